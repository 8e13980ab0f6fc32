from django.test import RequestFactory, override_settings

from apps.core.middleware import client_ip


def _request(remote, real=None):
    extra = {"REMOTE_ADDR": remote}
    if real is not None:
        extra["HTTP_X_REAL_IP"] = real
    return RequestFactory().get("/", **extra)


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_x_real_ip_from_the_local_proxy_is_the_client_address():
    assert client_ip(_request("127.0.0.1", "203.0.113.9")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_x_real_ip_sent_by_a_client_directly_is_ignored():
    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_a_malformed_x_real_ip_is_ignored():
    assert client_ip(_request("127.0.0.1", "evil, 1.2.3.4")) == "127.0.0.1"


def test_without_trusted_proxies_the_header_is_never_believed():
    assert client_ip(_request("127.0.0.1", "203.0.113.9")) == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_x_forwarded_for_is_never_read():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "127.0.0.1"
