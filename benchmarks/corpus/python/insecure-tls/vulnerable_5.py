import aiohttp


async def fetch_json(url: str) -> dict:
    async with aiohttp.ClientSession() as session:
        async with session.get(url, ssl=False) as resp:  # VULN
            return await resp.json()
