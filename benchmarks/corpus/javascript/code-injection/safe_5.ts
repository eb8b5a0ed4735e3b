import type { Request, Response } from "express";

export function parseLegacyConfig(req: Request, res: Response) {
  const config = JSON.parse(req.body.config);
  res.json(config);
}
