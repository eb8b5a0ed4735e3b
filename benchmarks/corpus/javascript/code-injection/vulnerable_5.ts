import type { Request, Response } from "express";

export function parseLegacyConfig(req: Request, res: Response) {
  const config = eval("(" + req.body.config + ")");  // VULN
  res.json(config);
}
