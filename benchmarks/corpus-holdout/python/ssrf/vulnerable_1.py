import aiohttp
from aiohttp import web


async def fetch_icon(request: web.Request) -> web.Response:
    site = request.query["site"]
    async with aiohttp.ClientSession() as session:
        async with session.get(site + "/favicon.ico") as resp:  # VULN
            return web.Response(body=await resp.read(), content_type="image/x-icon")
