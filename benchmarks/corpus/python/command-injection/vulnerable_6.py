import asyncio


async def resize(image_path: str, width: int) -> int:
    proc = await asyncio.create_subprocess_shell(f"mogrify -resize {width} {image_path}")  # VULN
    return await proc.wait()
