from helsinki_compliance.cli.main import run

run()
