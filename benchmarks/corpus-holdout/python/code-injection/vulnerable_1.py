from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/transform")
async def transform(request: Request):
    body = await request.json()
    fn = eval("lambda row: " + body["expression"])  # VULN
    return [fn(r) for r in body["rows"]]
