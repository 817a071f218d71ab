"""examgen.toml: where it is found, what beats what, and how a bad one is reported."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from examgen.config import SmtpSettings, config_paths, load_config
from examgen.errors import ExamgenError

SECRET = "s3cr3t-from-file"


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "examgen.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def user_config_dir() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"]) / "examgen"


def test_no_file_gives_defaults(tmp_path):
    config = load_config(tmp_path)
    assert config.path is None
    assert config.company == ""
    assert config.warnings == ()
    smtp = config.smtp
    assert (smtp.host, smtp.sender, smtp.user, smtp.password) == ("", "", "", "")
    assert smtp.security == "plain"
    assert smtp.effective_port == 25


@pytest.mark.parametrize(("settings", "security", "port"), [
    (SmtpSettings(), "plain", 25),
    (SmtpSettings(starttls=True), "starttls", 587),
    (SmtpSettings(ssl=True), "ssl", 465),
    (SmtpSettings(port=465), "ssl", 465),          # the port says which, when nothing else
    (SmtpSettings(port=587), "starttls", 587),
    (SmtpSettings(port=587, starttls=False), "plain", 587),
    (SmtpSettings(port=2525, ssl=True), "ssl", 2525),
])
def test_security_and_default_ports(settings, security, port):
    assert settings.security == security
    assert settings.effective_port == port


def test_file_in_current_folder_wins_over_user_folder(tmp_path):
    write(user_config_dir(), 'company = "用户目录公司"\n')
    assert load_config(tmp_path).company == "用户目录公司"
    assert load_config(tmp_path).path == user_config_dir() / "examgen.toml"
    here = write(tmp_path, 'company = "示例科技有限公司"\n')
    config = load_config(tmp_path)
    assert config.company == "示例科技有限公司"
    assert config.path == here
    assert config_paths(tmp_path) == [here, user_config_dir() / "examgen.toml"]


def test_whole_file(tmp_path):
    write(tmp_path, f"""
company = "示例科技有限公司"

[smtp]
host = "smtp.example.com"
port = 465
from = "人事部 <hr@example.com>"
user = "hr@example.com"
password = "{SECRET}"
ssl = true
""")
    config = load_config(tmp_path)
    assert config.company == "示例科技有限公司"
    assert config.smtp == SmtpSettings(host="smtp.example.com", port=465,
                                       sender="人事部 <hr@example.com>",
                                       user="hr@example.com", password=SECRET, ssl=True)
    assert config.smtp.describe() == "smtp.example.com:465（SSL，登录用户 hr@example.com）"
    assert SECRET not in repr(config)
    assert SECRET not in str(config.smtp)
    assert config.warnings == ()


def test_precedence_option_over_environment_over_file(tmp_path, monkeypatch):
    write(tmp_path, '[smtp]\nhost = "file.example.com"\nport = 2525\nfrom = "file@example.com"\n'
                    f'user = "fileuser"\npassword = "{SECRET}"\nstarttls = true\n')
    file_only = load_config(tmp_path).smtp
    assert (file_only.host, file_only.port, file_only.sender, file_only.user) == (
        "file.example.com", 2525, "file@example.com", "fileuser")

    for name, value in {"HOST": "env.example.com", "PORT": "2626", "FROM": "env@example.com",
                        "USER": "envuser", "PASSWORD": "env-password"}.items():
        monkeypatch.setenv(f"EXAMGEN_SMTP_{name}", value)
    env = load_config(tmp_path).smtp
    assert (env.host, env.port, env.sender, env.user, env.password) == (
        "env.example.com", 2626, "env@example.com", "envuser", "env-password")
    assert env.security == "starttls"  # not in the environment: still the file's

    cli = env.override(host="cli.example.com", port=2727, sender="cli@example.com",
                       user="cliuser", ssl=True)
    assert (cli.host, cli.port, cli.sender, cli.user, cli.password) == (
        "cli.example.com", 2727, "cli@example.com", "cliuser", "env-password")
    assert cli.security == "ssl"  # --ssl replaces the file's starttls
    assert env.override() == env  # options not given change nothing
    assert env.override(host="", port=None) == env


def test_empty_environment_variables_are_ignored(tmp_path, monkeypatch):
    write(tmp_path, '[smtp]\nhost = "file.example.com"\n')
    monkeypatch.setenv("EXAMGEN_SMTP_HOST", "  ")
    assert load_config(tmp_path).smtp.host == "file.example.com"


def test_sender_falls_back_to_user_address():
    assert SmtpSettings(user="hr@example.com").envelope_sender == "hr@example.com"
    assert SmtpSettings(user="hr").envelope_sender == ""
    assert SmtpSettings(user="hr@example.com", sender="a@example.com").envelope_sender == \
        "a@example.com"


def test_malformed_toml_names_file_and_line(tmp_path):
    path = write(tmp_path, f'company = "示例"\n[smtp]\nhost = smtp.example.com\n'
                           f'password = "{SECRET}"\n')
    with pytest.raises(ExamgenError) as info:
        load_config(tmp_path)
    message = str(info.value)
    assert message.startswith(f"{path}:3: 配置文件格式不对（TOML）")
    assert "第 3 行" in message
    assert "\n" not in message
    assert SECRET not in message


def test_unknown_keys_are_named(tmp_path):
    write(tmp_path, 'compnay = "x"\n[smtp]\nhost = "h"\npasword = "p"\n')
    with pytest.raises(ExamgenError, match=r"不认识的设置：compnay, smtp\.pasword"):
        load_config(tmp_path)


@pytest.mark.parametrize(("text", "key"), [
    ('company = 3\n', "company"),
    ('[smtp]\nport = "abc"\n', "smtp.port"),
    ('[smtp]\nport = true\n', "smtp.port"),
    ('[smtp]\nstarttls = "yes"\n', "smtp.starttls"),
    ('smtp = "x"\n', "smtp"),
])
def test_wrong_types_are_named(tmp_path, text, key):
    write(tmp_path, text)
    with pytest.raises(ExamgenError, match=f"设置 {key} 应为"):
        load_config(tmp_path)


def test_bad_ports_and_both_encryptions(tmp_path, monkeypatch):
    write(tmp_path, '[smtp]\nport = 70000\n')
    with pytest.raises(ExamgenError, match="smtp.port 应为 1 到 65535"):
        load_config(tmp_path)
    write(tmp_path, '[smtp]\nssl = true\nstarttls = true\n')
    with pytest.raises(ExamgenError, match="不能同时为 true"):
        load_config(tmp_path)
    write(tmp_path, '[smtp]\nhost = "h"\n')
    monkeypatch.setenv("EXAMGEN_SMTP_PORT", "twenty-five")
    with pytest.raises(ExamgenError, match="EXAMGEN_SMTP_PORT"):
        load_config(tmp_path)
    with pytest.raises(ExamgenError, match="只能选一个"):
        SmtpSettings().override(starttls=True, ssl=True)


def test_byte_order_mark_and_encoding(tmp_path):
    path = tmp_path / "examgen.toml"
    path.write_bytes('\ufeffcompany = "示例科技"\n'.encode())
    assert load_config(tmp_path).company == "示例科技"
    path.write_bytes('company = "示例科技"\n'.encode("gbk"))
    with pytest.raises(ExamgenError, match="不是 UTF-8"):
        load_config(tmp_path)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_password_in_a_file_others_can_read_warns(tmp_path):
    path = write(tmp_path, f'[smtp]\npassword = "{SECRET}"\n')
    assert load_config(tmp_path).warnings == ()
    path.chmod(0o644)
    [warning] = load_config(tmp_path).warnings
    assert "chmod 600" in warning
    assert SECRET not in warning
    write(tmp_path, '[smtp]\nhost = "h"\n').chmod(0o644)  # no password: nothing to warn
    assert load_config(tmp_path).warnings == ()


def test_plain_login_to_a_remote_server_warns():
    assert SmtpSettings(host="smtp.example.com", user="hr").warnings()
    assert not SmtpSettings(host="smtp.example.com", user="hr", starttls=True).warnings()
    assert not SmtpSettings(host="127.0.0.1", user="hr").warnings()
