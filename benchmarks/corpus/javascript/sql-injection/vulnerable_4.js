const knex = require("knex")({ client: "pg" });

function search(req, res) {
  knex("articles")
    .whereRaw("title ILIKE '%" + req.query.q + "%'")  // VULN
    .then((rows) => res.json(rows));
}
module.exports = search;
