using System.Text;
using Convergio.Api.Secrets;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Convergio.Api.Tests.Secrets;

public sealed class KeyRingTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    private FernetKeyRing FernetRing(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(), _time);

    private static SigningKeyRing SigningRing(params string[] keys) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(keys.Select((k, i) => new KeyValuePair<string, string?>($"Security:SigningKeys:{i}", k))).Build());

    [Fact]
    public void Index_0_encrypts_and_an_older_key_still_decrypts()
    {
        var old = TestKeys.FernetKey();
        var fresh = TestKeys.FernetKey();
        var token = FernetRing(("Encryption:Keys:0", old)).Encrypt("provider-key");

        var ring = FernetRing(("Encryption:Keys:0", fresh), ("Encryption:Keys:1", old));

        Assert.Equal("provider-key", ring.Decrypt(token));
        var newToken = ring.Encrypt("provider-key");
        Assert.Equal("provider-key", Encoding.UTF8.GetString(Fernet.Decrypt(FernetKey.Parse(fresh), newToken, _time.GetUtcNow())));
    }

    [Fact]
    public void Ring_order_follows_the_index_not_the_configuration_order()
    {
        var first = TestKeys.FernetKey();
        var second = TestKeys.FernetKey();
        var ring = FernetRing(("Encryption:Keys:10", second), ("Encryption:Keys:2", first));

        var token = ring.Encrypt("x");

        Assert.Equal("x", Encoding.UTF8.GetString(Fernet.Decrypt(FernetKey.Parse(first), token, _time.GetUtcNow())));
    }

    [Fact]
    public void The_legacy_single_key_decrypts_as_the_last_ring_entry_but_never_encrypts()
    {
        var legacy = TestKeys.FernetKey();
        var primary = TestKeys.FernetKey();
        var legacyToken = FernetRing(("API_KEY_ENCRYPTION_KEY", legacy)).Encrypt("from-the-python-deployment");

        var ring = FernetRing(("Encryption:Keys:0", primary), ("API_KEY_ENCRYPTION_KEY", legacy));

        Assert.Equal("from-the-python-deployment", ring.Decrypt(legacyToken));
        Assert.Equal("y", Encoding.UTF8.GetString(Fernet.Decrypt(FernetKey.Parse(primary), ring.Encrypt("y"), _time.GetUtcNow())));
    }

    [Fact]
    public void A_token_no_key_opens_is_the_one_exception()
    {
        var token = FernetRing(("Encryption:Keys:0", TestKeys.FernetKey())).Encrypt("secret");

        Assert.Throws<InvalidFernetTokenException>(() => FernetRing(("Encryption:Keys:0", TestKeys.FernetKey())).Decrypt(token));
    }

    [Fact]
    public void Rotate_leaves_primary_tokens_alone_and_moves_old_ones_keeping_their_timestamp()
    {
        var old = TestKeys.FernetKey();
        var primary = TestKeys.FernetKey();
        var oldToken = FernetRing(("Encryption:Keys:0", old)).Encrypt("value");
        _time.Advance(TimeSpan.FromDays(30));
        var ring = FernetRing(("Encryption:Keys:0", primary), ("Encryption:Keys:1", old));

        var rotated = ring.Rotate(oldToken);

        Assert.NotNull(rotated);
        Assert.Null(ring.Rotate(rotated));
        Assert.Equal("value", Encoding.UTF8.GetString(Fernet.Decrypt(FernetKey.Parse(primary), rotated, _time.GetUtcNow())));
        Assert.Equal(Convert.FromBase64String(oldToken.Replace('-', '+').Replace('_', '/'))[1..9],
            Convert.FromBase64String(rotated.Replace('-', '+').Replace('_', '/'))[1..9]);
    }

    [Fact]
    public void A_ring_entry_that_is_not_a_fernet_key_is_a_configuration_error_not_a_silent_skip()
    {
        var ring = FernetRing(("Encryption:Keys:0", TestKeys.FernetKey()), ("Encryption:Keys:1", "not-a-key"));

        Assert.Throws<InvalidOperationException>(() => ring.Encrypt("x"));
    }

    [Fact]
    public void Encrypting_without_any_key_fails_loudly() =>
        Assert.Throws<InvalidOperationException>(() => FernetRing().Encrypt("x"));

    [Fact]
    public void A_new_signing_key_in_front_keeps_old_signatures_valid_until_the_old_key_is_removed()
    {
        var old = TestKeys.SigningKey();
        var fresh = TestKeys.SigningKey();
        var signedBefore = SigningRing(old).Sign("csrf", "session-1");

        var duringRotation = SigningRing(fresh, old);
        var signedDuring = duringRotation.Sign("csrf", "session-1");

        Assert.True(duringRotation.Verify("csrf", "session-1", signedBefore));
        Assert.True(duringRotation.Verify("csrf", "session-1", signedDuring));
        Assert.NotEqual(signedBefore, signedDuring);

        var afterRemoval = SigningRing(fresh);
        Assert.False(afterRemoval.Verify("csrf", "session-1", signedBefore));
        Assert.True(afterRemoval.Verify("csrf", "session-1", signedDuring));
    }

    [Fact]
    public void A_signature_is_bound_to_its_purpose_and_value()
    {
        var ring = SigningRing(TestKeys.SigningKey());
        var signature = ring.Sign("csrf", "session-1");

        Assert.False(ring.Verify("invite", "session-1", signature));
        Assert.False(ring.Verify("csrf", "session-2", signature));
        Assert.False(ring.Verify("csrf", "session-1", "not base64url!"));
    }
}
