"""Command line (``pip install ./tools`` first): ``python -m eco_sandbox --host 127.0.0.1 --port 8077 [--latency-ms 200]``."""

import argparse

from . import API_KEY, PASSWORD, REPAIRER_ID, USERNAME, SandboxServer


def main(argv=None):
    parser = argparse.ArgumentParser(prog="eco_sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument("--latency-ms", type=int, default=0, help="delay added to every API answer")
    parser.add_argument("--extras", action="store_true",
                        help="demo extras the spec does not document (paid amounts, IsEligible...); off: strict")
    args = parser.parse_args(argv)
    server = SandboxServer(args.host, args.port)
    server.state.extras = args.extras
    server.state.set_faults(latency_ms=args.latency_ms)
    print("ecosystem: %s  (user %s / %s, repairer %s)" % (server.ecosystem_url, USERNAME, PASSWORD, REPAIRER_ID))
    print("Ecologic:  %s  (api_key %s)" % (server.ecologic_url, API_KEY))
    print("control:   %s/" % server.control_url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()


if __name__ == "__main__":
    main()
