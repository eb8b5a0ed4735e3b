import { Pool } from "pg";

const pool = new Pool();

export async function deleteUser(id: string) {
  const sql = "DELETE FROM users WHERE id = " + id;
  await pool.query(sql);  // VULN
}
