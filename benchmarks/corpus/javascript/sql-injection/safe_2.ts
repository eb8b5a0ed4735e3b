import { Pool } from "pg";

const pool = new Pool();

export async function deleteUser(id: string) {
  const sql = "DELETE FROM users WHERE id = $1";
  await pool.query(sql, [id]);
}
