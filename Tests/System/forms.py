"""multipart/form-data bodies for the system tests."""


def multipart(parts, boundary="quarrysystemtestboundary"):
    """(body, content type) of a well-formed form; parts are (field, filename or None, content type or None, bytes)."""
    body = b""
    for field, filename, content_type, data in parts:
        disposition = f'form-data; name="{field}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        if content_type:
            body += f"Content-Type: {content_type}\r\n".encode()
        body += b"\r\n" + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"
