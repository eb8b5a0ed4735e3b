const Database = require("better-sqlite3");
const db = new Database("app.db");

function markRead(userId, ids) {
  const placeholders = ids.map(() => "?").join(",");
  return db.prepare(`UPDATE notifications SET read = 1 WHERE user_id = ? AND id IN (${placeholders})`).run(userId, ...ids);
}

function search(name) {
  return db.prepare(`SELECT id FROM users WHERE name = '${name}'`).all();
}

module.exports = { markRead, search };
