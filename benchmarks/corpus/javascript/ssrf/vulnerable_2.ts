import type { NextApiRequest, NextApiResponse } from "next";

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const { imageUrl } = req.query;
  const upstream = await fetch(imageUrl as string);  // VULN
  res.setHeader("content-type", upstream.headers.get("content-type") ?? "image/png");
  res.send(Buffer.from(await upstream.arrayBuffer()));
}
