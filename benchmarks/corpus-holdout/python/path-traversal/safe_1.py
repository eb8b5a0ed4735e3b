from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse

app = FastAPI()
ROOT = Path("/srv/static")


@app.get("/static")
def static(request=None):
    target = (ROOT / request.query_params["f"]).resolve()
    if not target.is_relative_to(ROOT):
        raise HTTPException(404)
    return FileResponse(target)
