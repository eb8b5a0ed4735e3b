const Database = require("better-sqlite3");
const db = new Database("app.db");

function markRead(userId, ids) {
  return db.prepare(`UPDATE notifications SET read = 1 WHERE user_id = ${userId} AND id IN (${ids.join(",")})`).run();  // VULN
}
module.exports = { markRead };
