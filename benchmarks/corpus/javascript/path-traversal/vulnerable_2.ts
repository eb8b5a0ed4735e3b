import { promises as fs } from "fs";
import path from "path";
import type { Request, Response } from "express";

export async function readLog(req: Request, res: Response) {
  const file = path.resolve("/var/log/app", String(req.query.file));
  res.type("text/plain").send(await fs.readFile(file, "utf8"));  // VULN
}
