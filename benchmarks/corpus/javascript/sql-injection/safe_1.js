const mysql = require("mysql2/promise");
const pool = mysql.createPool({ host: "db", user: "app", database: "shop" });

async function productsByCategory(category) {
  const [rows] = await pool.query("SELECT * FROM products WHERE category = ?", [category]);
  return rows;
}
module.exports = { productsByCategory };
