#!/usr/bin/env python3
"""Load generator for Baton's server benchmark: N WebSocket clients on one server, each
counting the text symbols it receives over a time window. JSON out."""
import argparse
import asyncio
import json
import time

import websockets


async def client(url, seconds, rates, index, connected):
    async with websockets.connect(url, max_size=None, compression=None) as ws:
        connected.release()
        await ws.recv()
        start = time.time()
        deadline = start + seconds
        count = 0
        while time.time() < deadline:
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=max(0.01, deadline - time.time()))
            except asyncio.TimeoutError:
                break
            if message.endswith('"type":"symbol"}'):
                count += 1
        rates[index] = count / (time.time() - start)


async def main(a):
    rates = [0.0] * a.clients
    connected = asyncio.Semaphore(0)
    await asyncio.gather(*(client(a.url, a.seconds, rates, i, connected) for i in range(a.clients)))
    print(json.dumps({"per_client_symbols_per_second": rates, "seconds": a.seconds}))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--seconds", type=float, default=5)
    asyncio.run(main(p.parse_args()))
