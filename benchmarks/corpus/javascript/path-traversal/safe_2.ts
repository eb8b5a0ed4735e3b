import { promises as fs } from "fs";
import path from "path";
import type { Request, Response } from "express";

const LOG_DIR = "/var/log/app";

export async function readLog(req: Request, res: Response) {
  const file = path.resolve(LOG_DIR, String(req.query.file));
  if (!file.startsWith(LOG_DIR + path.sep)) return res.sendStatus(400);
  res.type("text/plain").send(await fs.readFile(file, "utf8"));
}
