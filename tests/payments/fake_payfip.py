"""A fake PayFIP SOAP server on 127.0.0.1 (port 0), speaking the WSDL shipped with eopayment.

It serves the WSDL (its address pointing at itself) and its schemas, and answers
creerPaiementSecurise and recupererDetailPaiementSecurise as PayFIP does: an idOp; then
P5 (in progress) until the test decides the outcome, P1 for an unknown idOp.
"""

import datetime
import itertools
import threading
import xml.etree.ElementTree as ET
import zoneinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import eopayment

RESOURCES = Path(eopayment.__file__).parent / "resource"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
SERVICE_NS = (
    "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/"
    "PaiementSecuriseService"
)
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


class FakePayfip:
    def __init__(self):
        self.operations: dict[str, dict] = {}
        self.detail_calls = 0
        self.lock = threading.Lock()
        self._ids = itertools.count(1)
        handler = type("Handler", (_Handler,), {"fake": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def wsdl_url(self):
        return f"{self.base_url}/PaiementSecuriseService.wsdl"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # What the test decides --------------------------------------------------------------

    def settle(self, idop, resultrans, *, minutes_ago=10, **overrides):
        when = datetime.datetime.now(PARIS) - datetime.timedelta(minutes=minutes_ago)
        with self.lock:
            operation = self.operations[idop]
            operation.update(
                resultrans=resultrans,
                dattrans=when.strftime("%d%m%Y"),
                heurtrans=when.strftime("%H%M"),
                numauto="123456" if resultrans in ("P", "V") else "",
                **overrides,
            )

    def pay(self, idop, **overrides):
        self.settle(idop, "P", **overrides)

    def refuse(self, idop):
        self.settle(idop, "R")

    def cancel(self, idop):
        self.settle(idop, "A")

    @property
    def last(self):
        return list(self.operations.values())[-1]

    # The protocol ---------------------------------------------------------------------------

    def create(self, fields):
        with self.lock:
            idop = f"idop{next(self._ids):06d}"
            self.operations[idop] = {**fields, "idOp": idop, "resultrans": None}
        return idop

    def detail(self, idop):
        with self.lock:
            self.detail_calls += 1
            operation = self.operations.get(idop)
            return dict(operation) if operation else None


def _text(element, name):
    found = element.find(name)
    return found.text if found is not None and found.text is not None else ""


def _envelope(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="{SOAP}"><S:Body>{body}</S:Body></S:Envelope>'
    ).encode()


def _fault(code: str, message: str) -> bytes:
    return _envelope(
        "<S:Fault><faultcode>S:Server</faultcode>"
        "<faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur</faultstring>"
        f'<detail><ns2:FonctionnelleErreur xmlns:ns2="{SERVICE_NS}"><code>{code}</code>'
        f"<descriptif>{escape(message)}</descriptif><libelle>{escape(message)}</libelle><severite>2</severite>"
        "</ns2:FonctionnelleErreur></detail></S:Fault>"
    )


class _Handler(BaseHTTPRequestHandler):
    fake: FakePayfip

    def log_message(self, *args):
        pass

    def _send(self, status, body: bytes, content_type="text/xml; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        name = self.path.lstrip("/").split("?")[0]
        path = RESOURCES / name
        if not name or not path.is_file():
            return self._send(404, b"not found", "text/plain")
        content = path.read_bytes()
        if name.endswith(".wsdl"):
            content = content.replace(
                b"https://www.payfip.gouv.fr/tpa/services/securite", f"{self.fake.base_url}/securite".encode()
            )
        self._send(200, content)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        envelope = ET.fromstring(self.rfile.read(length))
        body = envelope.find(f"{{{SOAP}}}Body")
        request = body[0]
        operation = request.tag.split("}")[-1]
        arg = request.find("arg0")
        if operation == "creerPaiementSecurise":
            fields = {
                name: _text(arg, name)
                for name in (
                    "exer",
                    "mel",
                    "montant",
                    "numcli",
                    "objet",
                    "refdet",
                    "saisie",
                    "urlnotif",
                    "urlredirect",
                )
            }
            idop = self.fake.create(fields)
            return self._send(
                200,
                _envelope(
                    f'<ns2:creerPaiementSecuriseResponse xmlns:ns2="{SERVICE_NS}"><return><idOp>{idop}</idOp>'
                    "</return></ns2:creerPaiementSecuriseResponse>"
                ),
            )
        if operation == "recupererDetailPaiementSecurise":
            detail = self.fake.detail(_text(arg, "idOp"))
            if detail is None:
                return self._send(500, _fault("P1", "IdOp incorrect."))
            if detail["resultrans"] is None:
                return self._send(500, _fault("P5", "Résultat de la transaction non connu."))
            fields = "".join(
                f"<{name}>{escape(str(detail.get(name) or ''))}</{name}>"
                for name in (
                    "dattrans",
                    "exer",
                    "heurtrans",
                    "idOp",
                    "mel",
                    "montant",
                    "numauto",
                    "numcli",
                    "objet",
                    "refdet",
                    "resultrans",
                    "saisie",
                )
            )
            return self._send(
                200,
                _envelope(
                    f'<ns2:recupererDetailPaiementSecuriseResponse xmlns:ns2="{SERVICE_NS}"><return>{fields}'
                    "</return></ns2:recupererDetailPaiementSecuriseResponse>"
                ),
            )
        self._send(500, _fault("X1", f"opération inconnue {operation}"))
