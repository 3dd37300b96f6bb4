using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Convergio.Api.Auth;
using Convergio.Api.Observability;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Tests.Auth;

public sealed class PasswordHasherTests : IDisposable
{
    private static readonly Regex Phc = new(@"^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$");

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    private Argon2idPasswordHasher Hasher(int memoryKiB = 19456, int iterations = 2)
    {
        var options = Options.Create(new PasswordHashingOptions { MemoryKiB = memoryKiB, Iterations = iterations });
        return new(options, new PasswordHashingGate(options), Meters);
    }

    private MetricCollector<long> Derivations() => new(Meters, SecurityMetrics.MeterName, Argon2idPasswordHasher.DerivationsInstrument);

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Hash_is_an_argon2id_PHC_string_with_the_configured_cost_and_a_fresh_salt()
    {
        var hasher = Hasher();
        var password = TestKeys.Password();

        var first = await hasher.HashAsync(password, TestContext.Current.CancellationToken);
        var second = await hasher.HashAsync(password, TestContext.Current.CancellationToken);

        Assert.Matches(Phc, first);
        Assert.Matches(Phc, second);
        Assert.NotEqual(first, second);
        Assert.DoesNotContain(password, first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_accepts_the_password_and_rejects_any_other()
    {
        var hasher = Hasher();
        var password = TestKeys.Password();
        var phc = await hasher.HashAsync(password, TestContext.Current.CancellationToken);

        Assert.Equal(PasswordVerification.Succeeded, await hasher.VerifyAsync(password, phc, TestContext.Current.CancellationToken));
        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(password + "x", phc, TestContext.Current.CancellationToken));
        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(password.ToUpperInvariant(), phc, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Long_passwords_are_not_truncated()
    {
        var hasher = Hasher();
        var prefix = new string('a', 100) + TestKeys.Password();
        var phc = await hasher.HashAsync(prefix + "1", TestContext.Current.CancellationToken);

        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(prefix + "2", phc, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_hash_weaker_than_the_configured_cost_verifies_and_asks_for_a_rehash()
    {
        var weak = Hasher(memoryKiB: 8192, iterations: 1);
        var configured = Hasher();
        var password = TestKeys.Password();
        var old = await weak.HashAsync(password, TestContext.Current.CancellationToken);

        Assert.Equal(PasswordVerification.SucceededRehashNeeded, await configured.VerifyAsync(password, old, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_hash_at_or_above_the_configured_cost_needs_no_rehash()
    {
        var stronger = Hasher(iterations: 3);
        var configured = Hasher();
        var password = TestKeys.Password();
        var phc = await stronger.HashAsync(password, TestContext.Current.CancellationToken);

        Assert.Equal(PasswordVerification.Succeeded, await configured.VerifyAsync(password, phc, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plaintext")]
    [InlineData("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=4$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=19456,t=2,m=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    public async Task A_malformed_or_unsupported_hash_fails_without_running_the_kdf(string phc)
    {
        var hasher = Hasher();
        using var derivations = Derivations();

        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(TestKeys.Password(), phc, TestContext.Current.CancellationToken));
        Assert.Empty(derivations.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task The_dummy_hash_has_the_configured_cost_costs_one_derivation_and_matches_nothing()
    {
        var hasher = Hasher();
        using var derivations = Derivations();

        Assert.Matches(Phc, hasher.DummyHash);
        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(TestKeys.Password(), hasher.DummyHash, TestContext.Current.CancellationToken));

        var measurement = Assert.Single(derivations.GetMeasurementSnapshot());
        Assert.Equal("verify", measurement.Tags["operation"]);
        Assert.Equal(19456, measurement.Tags["m"]);
        Assert.Equal(2, measurement.Tags["t"]);
    }

    [Fact]
    public async Task Hashing_is_counted_with_its_cost()
    {
        var hasher = Hasher(iterations: 3);
        using var derivations = Derivations();

        await hasher.HashAsync(TestKeys.Password(), TestContext.Current.CancellationToken);

        var measurement = Assert.Single(derivations.GetMeasurementSnapshot());
        Assert.Equal("hash", measurement.Tags["operation"]);
        Assert.Equal(3, measurement.Tags["t"]);
    }
}
