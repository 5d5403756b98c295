# Loopback TCP proxy that counts TLS records relay->client: how many application-data records and their sizes.
import asyncio, sys, json, signal
listen, target = int(sys.argv[1]), int(sys.argv[2])
stats = {"records": 0, "app_records": 0, "app_bytes": 0, "reads": 0, "hist": {}}
async def pipe(r, w, count):
    buf = b""
    try:
        while True:
            data = await r.read(1 << 20)
            if not data:
                break
            w.write(data)
            if count:
                stats["reads"] += 1
                buf += data
                i = 0
                while len(buf) - i >= 5:
                    t = buf[i]; n = int.from_bytes(buf[i + 3:i + 5], "big")
                    if len(buf) - i < 5 + n:
                        break
                    stats["records"] += 1
                    if t == 23:
                        stats["app_records"] += 1; stats["app_bytes"] += n
                        b = min(n // 2048, 8) * 2048
                        stats["hist"][b] = stats["hist"].get(b, 0) + 1
                    i += 5 + n
                buf = buf[i:]
            await w.drain()
    except Exception:
        pass
    finally:
        w.close()
async def handle(cr, cw):
    sr, sw = await asyncio.open_connection("127.0.0.1", target)
    await asyncio.gather(pipe(cr, sw, False), pipe(sr, cw, True))
async def main():
    srv = await asyncio.start_server(handle, "127.0.0.1", listen)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, lambda: stop.set_result(None))
    async with srv:
        await stop
    print(json.dumps(stats))
asyncio.run(main())
