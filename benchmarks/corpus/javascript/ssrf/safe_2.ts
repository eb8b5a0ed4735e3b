import type { NextApiRequest, NextApiResponse } from "next";

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const { imageId } = req.query;
  const upstream = await fetch(`https://cdn.example.com/images/${encodeURIComponent(String(imageId))}`);
  res.setHeader("content-type", upstream.headers.get("content-type") ?? "image/png");
  res.send(Buffer.from(await upstream.arrayBuffer()));
}
