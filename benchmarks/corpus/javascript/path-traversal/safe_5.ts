import fs from "fs";
import type { Context } from "koa";

const THEMES = new Set(["light", "dark"]);

export async function theme(ctx: Context) {
  const name = THEMES.has(ctx.query.theme as string) ? (ctx.query.theme as string) : "light";
  ctx.type = "text/css";
  ctx.body = fs.createReadStream("./themes/" + name + ".css");
}
