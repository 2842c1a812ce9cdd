"""A local fake of API Particulier (quotient familial, v2 and v3) on 127.0.0.1, port chosen by the OS.

It checks the authentication of each version, records the queries it received and answers as
told: `mode` = "ok", "not_found", "rate_limited" or "slow" (answers after `delay` seconds).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOKEN = "jeton-de-test"

V2_ANSWER = {
    "regime": "CNAF",
    "allocataires": [
        {
            "nomNaissance": "LOVINFOSSE",
            "nomUsage": None,
            "prenoms": "ALLISON",
            "anneeDateDeNaissance": "1985",
            "moisDateDeNaissance": "05",
            "jourDateDeNaissance": "17",
            "sexe": "F",
        }
    ],
    "enfants": [
        {
            "nomNaissance": "LOVINFOSSE",
            "nomUsage": None,
            "prenoms": "ELIE",
            "anneeDateDeNaissance": "2018",
            "moisDateDeNaissance": "03",
            "jourDateDeNaissance": "04",
            "sexe": "M",
        }
    ],
    "adresse": {
        "identite": "Madame LOVINFOSSE ALLISON",
        "numeroRue": "12 RUE DE LA ROQUETTE",
        "codePostalVille": "75011 PARIS",
        "pays": "FRANCE",
    },
    "quotientFamilial": 812,
    "annee": 2026,
    "mois": 8,
}

V3_ANSWER = {
    "data": {
        "allocataires": [
            {
                "nom_naissance": "LOVINFOSSE",
                "nom_usage": None,
                "prenoms": "ALLISON",
                "date_naissance": "1985-05-17",
                "sexe": "F",
            }
        ],
        "enfants": [
            {
                "nom_naissance": "LOVINFOSSE",
                "nom_usage": None,
                "prenoms": "ELIE",
                "date_naissance": "2018-03-04",
                "sexe": "M",
            },
            {
                "nom_naissance": "LOVINFOSSE",
                "nom_usage": None,
                "prenoms": "ROBIN",
                "date_naissance": "2020-06-01",
                "sexe": "M",
            },
        ],
        "adresse": {
            "destinataire": "Madame LOVINFOSSE ALLISON",
            "numero_libelle_voie": "12 RUE DE LA ROQUETTE",
            "code_postal_ville": "75011 PARIS",
            "pays": "FRANCE",
        },
        "quotient_familial": {
            "fournisseur": "CNAF",
            "valeur": 1250,
            "annee": 2026,
            "mois": 9,
            "annee_calcul": 2026,
            "mois_calcul": 9,
        },
    },
    "links": {},
    "meta": {},
}

V3_NOT_FOUND = {
    "errors": [
        {
            "code": "37003",
            "title": "Dossier allocataire absent",
            "detail": "Le dossier allocataire n'a pas été trouvé auprès de la CNAF et de la MSA.",
            "source": None,
            "meta": {"provider": "CNAV"},
        }
    ]
}
V2_NOT_FOUND = {
    "error": "not_found",
    "reason": "Dossier allocataire inexistant.",
    "message": "Dossier allocataire inexistant.",
}
TOO_MANY = {
    "errors": [
        {"code": "00429", "title": "Trop de requêtes", "detail": "Vous avez effectué trop de requêtes"}
    ]
}


class FakeApiParticulier:
    def __init__(self):
        self.mode = "ok"
        self.delay = 1.0
        self.queries = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body, headers=None):
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                except (BrokenPipeError, ConnectionResetError):
                    return
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

            def do_GET(self):
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                if url.path == "/api/v2/composition-familiale-v2":
                    version, authorised = "v2", self.headers.get("X-Api-Key") == TOKEN
                elif url.path == "/v3/dss/quotient_familial/identite":
                    version = "v3"
                    authorised = self.headers.get("Authorization") == f"Bearer {TOKEN}"
                else:
                    return self._send(404, {"errors": [{"code": "00404", "title": "Not found"}]})
                fake.queries.append((version, query))
                if not authorised:
                    return self._send(401, {"errors": [{"code": "00101", "title": "Interdit"}]})
                if fake.mode == "slow":
                    time.sleep(fake.delay)
                if fake.mode == "not_found":
                    return self._send(404, V2_NOT_FOUND if version == "v2" else V3_NOT_FOUND)
                if fake.mode == "rate_limited":
                    return self._send(429, TOO_MANY, {"Retry-After": "60"})
                return self._send(200, V2_ANSWER if version == "v2" else V3_ANSWER)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
