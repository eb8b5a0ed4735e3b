import { Sequelize } from "sequelize";

const sequelize = new Sequelize(process.env.DATABASE_URL!);

export async function topProducts(limit: string) {
  return sequelize.query("SELECT * FROM products ORDER BY sales DESC LIMIT " + limit);  // VULN
}
