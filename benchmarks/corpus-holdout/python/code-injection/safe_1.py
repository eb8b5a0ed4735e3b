from fastapi import FastAPI, Request

app = FastAPI()
FUNCS = {"double": lambda row: row * 2, "negate": lambda row: -row}


@app.post("/transform")
async def transform(request: Request):
    body = await request.json()
    fn = FUNCS[body["function"]]
    return [fn(r) for r in body["rows"]]
