import fs from "fs";
import type { Context } from "koa";

export async function theme(ctx: Context) {
  const name = ctx.query.theme as string;
  ctx.type = "text/css";
  ctx.body = fs.createReadStream("./themes/" + name + ".css");  // VULN
}
