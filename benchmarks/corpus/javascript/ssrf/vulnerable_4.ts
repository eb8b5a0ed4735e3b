import got from "got";
import type { Context } from "koa";

export async function webhookTest(ctx: Context) {
  const callback = ctx.request.body.callbackUrl;
  const result = await got.post(callback, { json: { test: true } });  // VULN
  ctx.body = { status: result.statusCode };
}
