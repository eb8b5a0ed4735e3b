from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse

app = FastAPI()


@app.get("/static")
def static(request_path: str, request=None):
    name = request.query_params["f"]
    return FileResponse(Path("/srv/static") / name)  # VULN
