import ssl

import aiohttp

CTX = ssl.create_default_context(cafile="/etc/ssl/internal-ca.pem")


async def fetch_json(url: str) -> dict:
    async with aiohttp.ClientSession() as session:
        async with session.get(url, ssl=CTX) as resp:
            return await resp.json()
