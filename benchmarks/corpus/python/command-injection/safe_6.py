import asyncio


async def resize(image_path: str, width: int) -> int:
    proc = await asyncio.create_subprocess_exec("mogrify", "-resize", str(width), image_path)
    return await proc.wait()
