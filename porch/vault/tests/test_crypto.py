"""AES-256-GCM envelopes: round trip, binding, tampering, nonces (R10)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from porch.vault import crypto

KEY = bytes(range(32))
OTHER = bytes(range(1, 33))
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz._", min_size=1, max_size=20)


@given(plain=st.binary(max_size=2048), model=names, field=names, record=names)
def test_it_round_trips_any_bytes(plain, model, field, record):
    aad = crypto.value_aad(model, field, record, "SUBJECT", 1)
    assert crypto.open_sealed(KEY, crypto.seal(KEY, plain, aad), aad) == plain


@given(plain=st.binary(min_size=1, max_size=256), a=names, b=names)
def test_it_refuses_ciphertext_swapped_between_records(plain, a, b):
    if a == b:
        return
    sealed = crypto.seal(KEY, plain, crypto.value_aad("m", "f", a, "S", 1))
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_sealed(KEY, sealed, crypto.value_aad("m", "f", b, "S", 1))


@given(plain=st.binary(max_size=256), data=st.data())
def test_it_refuses_any_tampered_byte(plain, data):
    aad = crypto.value_aad("m", "f", "r", "S", 1)
    sealed = bytearray(crypto.seal(KEY, plain, aad))
    index = data.draw(st.integers(min_value=0, max_value=len(sealed) - 1))
    flip = data.draw(st.integers(min_value=1, max_value=255))
    sealed[index] ^= flip
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_sealed(KEY, bytes(sealed), aad)


@settings(max_examples=30)
@given(plain=st.binary(max_size=64))
def test_it_refuses_a_truncated_ciphertext_or_the_wrong_key(plain):
    aad = b"x"
    sealed = crypto.seal(KEY, plain, aad)
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_sealed(OTHER, sealed, aad)
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_sealed(KEY, sealed[:-1], aad)


def test_it_binds_the_wrapped_key_to_its_subject_and_epoch():
    data_key = crypto.new_key()
    wrapped = crypto.wrap_key(KEY, data_key, subject="A", epoch=3)
    assert crypto.unwrap_key(KEY, wrapped, subject="A", epoch=3) == data_key
    for subject, epoch in (("B", 3), ("A", 4)):
        with pytest.raises(crypto.DecryptionFailed):
            crypto.unwrap_key(KEY, wrapped, subject=subject, epoch=epoch)


def test_it_never_reuses_a_nonce_in_a_hundred_thousand_encryptions():
    nonces = {crypto.seal(KEY, b"", b"")[1:13] for _ in range(100_000)}
    assert len(nonces) == 100_000


def test_it_puts_nothing_but_version_nonce_and_ciphertext_on_the_wire():
    sealed = crypto.seal(KEY, b"12 Elm Street", b"aad")
    assert sealed[0] == crypto.VERSION
    assert len(sealed) == crypto.OVERHEAD + len(b"12 Elm Street")
    assert b"Elm" not in sealed
