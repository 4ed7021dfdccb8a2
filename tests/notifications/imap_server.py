"""A small IMAP4rev1 server for the poller's tests: the subset ``imaplib`` speaks to read a mailbox.

CAPABILITY, LOGIN, SELECT, UID SEARCH UNSEEN, UID FETCH (RFC822 or BODY.PEEK[]), UID STORE
+FLAGS (\\Seen), CLOSE, NOOP and LOGOUT, over plain TCP on 127.0.0.1, one
thread per connection. The mailbox is a dict the test fills and reads:
``server.messages[uid] = Message(raw)``; ``fail_store`` makes STORE answer NO
(a connection lost after the fetch), ``log`` lists the commands received.
"""

import re
import socketserver
import threading
from dataclasses import dataclass, field

USER, PASSWORD = "complaints@amends.test", 'pa ss"word'


@dataclass
class Message:
    raw: bytes
    flags: set[str] = field(default_factory=set)


ARGUMENT = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


def _arguments(text: str) -> list[str]:
    """The words of a command line: bare atoms, or quoted strings with their escapes undone."""
    return [bare or re.sub(r"\\(.)", r"\1", quoted) for quoted, bare in ARGUMENT.findall(text)]


class _Handler(socketserver.StreamRequestHandler):
    server: "ImapServer"

    def send(self, line: bytes | str) -> None:
        self.wfile.write((line.encode() if isinstance(line, str) else line) + b"\r\n")

    def handle(self) -> None:
        self.send("* OK [CAPABILITY IMAP4rev1] amends test IMAP ready")
        selected = False
        while True:
            line = self.rfile.readline()
            if not line:
                return
            tag, _space, rest = line.decode().rstrip("\r\n").partition(" ")
            command, _space, arguments = rest.partition(" ")
            command = command.upper()
            self.server.log.append(f"{command} {arguments}".strip())
            if command == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1")
                self.send(f"{tag} OK CAPABILITY completed")
            elif command == "NOOP":
                self.send(f"{tag} OK NOOP completed")
            elif command == "LOGIN":
                if _arguments(arguments) == [USER, PASSWORD]:
                    self.send(f"{tag} OK LOGIN completed")
                else:
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
            elif command == "SELECT":
                selected = _arguments(arguments) == [self.server.folder]
                if not selected:
                    self.send(f"{tag} NO no such mailbox")
                    continue
                self.send(f"* {len(self.server.messages)} EXISTS")
                self.send("* 0 RECENT")
                self.send("* OK [UIDVALIDITY 7] UIDs valid")
                self.send(f"{tag} OK [READ-WRITE] SELECT completed")
            elif command == "UID" and selected:
                self.uid(tag, arguments)
            elif command == "CLOSE":
                selected = False
                self.send(f"{tag} OK CLOSE completed")
            elif command == "LOGOUT":
                self.send("* BYE logging out")
                self.send(f"{tag} OK LOGOUT completed")
                return
            else:
                self.send(f"{tag} BAD unknown or out-of-state command {command}")

    def uid(self, tag: str, arguments: str) -> None:
        command, _space, rest = arguments.partition(" ")
        command = command.upper()
        messages = self.server.messages
        with self.server.lock:
            if command == "SEARCH" and rest.upper() == "UNSEEN":
                unseen = [
                    str(uid) for uid, m in sorted(messages.items()) if "\\Seen" not in m.flags
                ]
                self.send(" ".join(["* SEARCH", *unseen]))
                self.send(f"{tag} OK SEARCH completed")
            elif command == "FETCH" and rest.upper().endswith(("(RFC822)", "(BODY.PEEK[])")):
                uid, item = int(rest.split()[0]), rest.split()[1].upper()
                if uid in messages:
                    raw = messages[uid].raw
                    name = "RFC822" if item == "(RFC822)" else "BODY[]"
                    self.wfile.write(f"* {uid} FETCH (UID {uid} {name} {{{len(raw)}}}\r\n".encode())
                    self.wfile.write(raw)
                    self.send(")")
                    if item == "(RFC822)":  # as real servers do; BODY.PEEK[] leaves flags alone
                        messages[uid].flags.add("\\Seen")
                self.send(f"{tag} OK FETCH completed")
            elif command == "STORE" and "+FLAGS" in rest.upper():
                uid = int(rest.split()[0])
                if self.server.fail_store:
                    self.send(f"{tag} NO STORE failed")
                    return
                if uid in messages:
                    messages[uid].flags.add("\\Seen")
                    self.send(f"* {uid} FETCH (UID {uid} FLAGS (\\Seen))")
                self.send(f"{tag} OK STORE completed")
            else:
                self.send(f"{tag} BAD unsupported UID command")


class ImapServer(socketserver.ThreadingTCPServer):
    """Serve ``messages`` on 127.0.0.1 at a free port until ``stop()``."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, folder: str = "INBOX") -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.folder = folder
        self.messages: dict[int, Message] = {}
        self.log: list[str] = []
        self.lock = threading.Lock()
        self.fail_store = False
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def add(self, raw: bytes) -> int:
        with self.lock:
            uid = max(self.messages, default=100) + 1
            self.messages[uid] = Message(raw)
        return uid

    def seen(self) -> set[int]:
        return {uid for uid, message in self.messages.items() if "\\Seen" in message.flags}

    def settings(self, **overrides: object) -> dict[str, object]:
        """``AMENDS["INBOUND_IMAP"]`` for this server."""
        return {
            "host": "127.0.0.1",
            "port": self.port,
            "user": USER,
            "password": PASSWORD,
            "folder": self.folder,
            "ssl": False,
            **overrides,
        }

    def start(self) -> "ImapServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
