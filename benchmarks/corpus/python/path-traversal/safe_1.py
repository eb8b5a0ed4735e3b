from flask import Flask, request, send_from_directory

app = Flask(__name__)
UPLOAD_DIR = "/srv/uploads"


@app.get("/download")
def download():
    filename = request.args.get("file")
    return send_from_directory(UPLOAD_DIR, filename)
