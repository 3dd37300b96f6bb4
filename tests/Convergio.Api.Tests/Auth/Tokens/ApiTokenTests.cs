using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Convergio.Api.Auth.Tokens;
using Convergio.Api.Platform;
using Convergio.Api.Tenancy;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Tests.Auth.Tokens;

/// <summary>Personal access tokens: creation, listing, revocation, and what a request presenting one may do.</summary>
public sealed class ApiTokenTests
{
    private const string Me = "/api/v1/auth/me";
    private const string Orgs = "/api/v1/orgs";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Projects(Guid orgId) => $"{Orgs}/{orgId}/projects";

    private static async Task AssertInvalidTokenAsync(HttpResponseMessage response)
    {
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_created_token_is_shown_once_and_stored_only_as_its_sha256(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();

        var created = await user.CreateTokenAsync(factory, [TokenScopes.OrgsRead]);

        Assert.True(ApiTokenFormat.IsWellFormed(created.Token));
        var row = await factory.WithDbAsync(d => d.ApiTokens.SingleAsync(t => t.Id == created.Id, Cancel));
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(created.Token)), row.TokenHash);
        var list = await user.Browser.GetAsync(TestApiTokens.Path);
        var listed = await list.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains(created.Id.ToString(), listed, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Token, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(row.TokenHash), listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_created_token_answers_with_its_name_scopes_expiry_and_organization()
    {
        await using var factory = new ConvergioFactory();
        using var user = await factory.CreateSignedInUserAsync();
        var org = await user.CreateOrgAsync();

        var created = await user.CreateTokenAsync(factory, [TokenScopes.ProjectsRead, TokenScopes.ProjectsWrite], org.Id);

        Assert.Equal("ci", created.Name);
        Assert.Equal([TokenScopes.ProjectsRead, TokenScopes.ProjectsWrite], created.Scopes);
        Assert.Equal(factory.Time.GetUtcNow().AddDays(30).UtcDateTime, created.ExpiresAt);
        Assert.Equal(org.Id, created.OrgId);
    }

    [Theory]
    [InlineData("scopes", "[]", 30)]
    [InlineData("scopes", "[\"orgs:delete\"]", 30)]
    [InlineData("expiresAt", "[\"orgs:read\"]", -1)]
    [InlineData("expiresAt", "[\"orgs:read\"]", 366)]
    public async Task Creating_a_token_refuses_missing_or_unknown_scopes_and_an_expiry_in_the_past_or_beyond_a_year(string field, string scopes, int days)
    {
        await using var factory = new ConvergioFactory();
        using var user = await factory.CreateSignedInUserAsync();
        var body = $$"""{"name":"ci","scopes":{{scopes}},"expiresAt":"{{factory.Time.GetUtcNow().AddDays(days):O}}"}""";

        var response = await user.Client.PostAsync(TestApiTokens.Path, new StringContent(body, Encoding.UTF8, "application/json"), Cancel);

        await ProblemAssert.IsValidationProblemAsync(response, field);
        Assert.Equal(0, await factory.WithDbAsync(d => d.ApiTokens.CountAsync(Cancel)));
    }

    [Fact]
    public async Task Creating_a_token_needs_an_expiry_and_a_name()
    {
        await using var factory = new ConvergioFactory();
        using var user = await factory.CreateSignedInUserAsync();

        var response = await user.Browser.PostJsonAsync(TestApiTokens.Path, new { name = " ", scopes = new[] { TokenScopes.OrgsRead } });

        await ProblemAssert.IsValidationProblemAsync(response, "expiresAt");
        await ProblemAssert.IsValidationProblemAsync(await user.Browser.PostJsonAsync(TestApiTokens.Path, new { name = " ", scopes = new[] { TokenScopes.OrgsRead } }), "name");
    }

    [Fact]
    public async Task Creating_a_token_needs_a_recent_authentication()
    {
        await using var factory = new ConvergioFactory();
        using var user = await factory.CreateSignedInUserAsync();
        factory.Time.Advance(TimeSpan.FromMinutes(11));

        var response = await user.Browser.PostJsonAsync(TestApiTokens.Path, new { name = "ci", scopes = new[] { TokenScopes.OrgsRead }, expiresAt = factory.Time.GetUtcNow().AddDays(1) });

        Assert.Equal(ProblemTypes.ReauthenticationRequired, await ProblemAssert.TypeAsync(response, HttpStatusCode.Forbidden));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Creating_a_token_for_an_organization_the_user_is_not_a_member_of_is_404(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var owner = await factory.CreateSignedInUserAsync();
        using var stranger = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();

        var response = await stranger.Browser.PostJsonAsync(TestApiTokens.Path, new { name = "ci", scopes = new[] { TokenScopes.OrgsRead }, expiresAt = factory.Time.GetUtcNow().AddDays(1), orgId = org.Id });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Creating_and_revoking_a_token_are_audited(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var created = await user.CreateTokenAsync(factory, [TokenScopes.OrgsRead]);

        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.DeleteAsync($"{TestApiTokens.Path}/{created.Id}")).StatusCode);

        var actions = await factory.WithDbAsync(d => d.AuditEvents.Where(e => e.TargetId == created.Id.ToString() && e.ActorUserId == user.Id).Select(e => e.Action).ToListAsync(Cancel));
        Assert.Equal([ApiTokenAuditActions.Created, ApiTokenAuditActions.Revoked], actions.Order());
        var data = await factory.WithDbAsync(d => d.AuditEvents.Where(e => e.TargetId == created.Id.ToString()).Select(e => e.Data).ToListAsync(Cancel));
        Assert.All(data, d => Assert.DoesNotContain(created.Token, d ?? "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_token_authenticates_as_its_user_without_cookie_or_csrf_header(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var org = await user.CreateOrgAsync();
        var created = await user.CreateTokenAsync(factory, [TokenScopes.ProjectsWrite]);
        using var client = factory.BearerClient(created.Token);

        var response = await client.PostAsJsonAsync(Projects(org.Id), new { name = "From CI" }, Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var actor = await factory.WithDbAsync(d => d.AuditEvents.Where(e => e.Action == TenancyAuditActions.ProjectCreated).Select(e => e.ActorUserId).SingleAsync(Cancel));
        Assert.Equal(user.Id, actor);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_use_of_a_token_is_listed_as_its_last_use(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var created = await user.CreateTokenAsync(factory, [TokenScopes.OrgsRead]);
        using var client = factory.BearerClient(created.Token);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Orgs, Cancel)).StatusCode);

        var listed = await user.Client.GetFromJsonAsync<List<ApiTokenResponse>>(TestApiTokens.Path, Cancel);
        Assert.Equal(factory.Time.GetUtcNow().UtcDateTime, Assert.Single(listed!).LastUsedAt);
    }

    [Fact]
    public async Task A_bearer_value_that_is_not_a_convergio_token_is_401_invalid_token()
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.BearerClient("not-a-token");

        await AssertInvalidTokenAsync(await client.GetAsync(Orgs, Cancel));
    }

    [Fact]
    public async Task A_token_with_a_wrong_checksum_is_401_invalid_token()
    {
        await using var factory = new ConvergioFactory();
        using var user = await factory.CreateSignedInUserAsync();
        var created = await user.CreateTokenAsync(factory, [TokenScopes.OrgsRead]);
        var last = created.Token[^1];
        using var client = factory.BearerClient(created.Token[..^1] + (last == 'a' ? 'b' : 'a'));

        await AssertInvalidTokenAsync(await client.GetAsync(Orgs, Cancel));
    }

    [Fact]
    public async Task A_well_formed_but_unknown_token_is_401_invalid_token()
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.BearerClient(ApiTokenFormat.New());

        await AssertInvalidTokenAsync(await client.GetAsync(Orgs, Cancel));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_expired_token_is_401_invalid_token(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var created = await user.CreateTokenAsync(factory, [TokenScopes.OrgsRead]);
        using var client = factory.BearerClient(created.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Orgs, Cancel)).StatusCode);

        factory.Time.Advance(TimeSpan.FromDays(30));

        await AssertInvalidTokenAsync(await client.GetAsync(Orgs, Cancel));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_revoked_token_is_refused_at_once(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var created = await user.CreateTokenAsync(factory, [TokenScopes.OrgsRead]);
        using var client = factory.BearerClient(created.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Orgs, Cancel)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.DeleteAsync($"{TestApiTokens.Path}/{created.Id}")).StatusCode);

        await AssertInvalidTokenAsync(await client.GetAsync(Orgs, Cancel));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Revoking_another_users_token_is_404_and_leaves_it_working(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var owner = await factory.CreateSignedInUserAsync();
        using var other = await factory.CreateSignedInUserAsync();
        var created = await owner.CreateTokenAsync(factory, [TokenScopes.OrgsRead]);

        await ProblemAssert.IsProblemAsync(await other.Browser.DeleteAsync($"{TestApiTokens.Path}/{created.Id}"), HttpStatusCode.NotFound);

        using var client = factory.BearerClient(created.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Orgs, Cancel)).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_disabled_users_token_is_401_invalid_token(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var created = await user.CreateTokenAsync(factory, [TokenScopes.OrgsRead]);
        using var client = factory.BearerClient(created.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Orgs, Cancel)).StatusCode);

        await factory.UpdateUserAsync(user.Id, s => s.SetProperty(u => u.DisabledAt, factory.Time.GetUtcNow().UtcDateTime));

        await AssertInvalidTokenAsync(await client.GetAsync(Orgs, Cancel));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_deleted_users_token_is_401_invalid_token(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var created = await user.CreateTokenAsync(factory, [TokenScopes.OrgsRead]);

        await factory.WithDbAsync(d => d.Users.Where(u => u.Id == user.Id).ExecuteDeleteAsync(Cancel));

        using var client = factory.BearerClient(created.Token);
        await AssertInvalidTokenAsync(await client.GetAsync(Orgs, Cancel));
    }

    [Theory]
    [InlineData(Me)]
    [InlineData(TestApiTokens.Path)]
    [InlineData("/api/v1/auth/sessions")]
    [InlineData("/api/v1/user-keys")]
    [InlineData("/api/v1/admin/users")]
    public async Task A_token_with_every_scope_is_403_on_account_provider_key_and_admin_endpoints(string path)
    {
        await using var factory = new ConvergioFactory();
        using var user = await factory.CreateSignedInUserAsync();
        await factory.MakePlatformAdminAsync(user.Id);
        var created = await user.CreateTokenAsync(factory, TokenScopes.All);
        using var client = factory.BearerClient(created.Token);

        await ProblemAssert.IsProblemAsync(await client.GetAsync(path, Cancel), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_token_cannot_create_another_token()
    {
        await using var factory = new ConvergioFactory();
        using var user = await factory.CreateSignedInUserAsync();
        var created = await user.CreateTokenAsync(factory, TokenScopes.All);
        using var client = factory.BearerClient(created.Token);

        var response = await client.PostAsJsonAsync(TestApiTokens.Path, new { name = "more", scopes = TokenScopes.All, expiresAt = factory.Time.GetUtcNow().AddDays(1) }, Cancel);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(1, await factory.WithDbAsync(d => d.ApiTokens.CountAsync(Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_token_without_the_endpoints_scope_is_403(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var org = await user.CreateOrgAsync();
        var created = await user.CreateTokenAsync(factory, [TokenScopes.ProjectsRead]);
        using var client = factory.BearerClient(created.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Projects(org.Id), Cancel)).StatusCode);

        var response = await client.PostAsJsonAsync(Projects(org.Id), new { name = "Nope" }, Cancel);

        Assert.Equal($"This API token lacks the {TokenScopes.ProjectsWrite} scope.", await ProblemAssert.DetailAsync(response, HttpStatusCode.Forbidden));
        Assert.Equal(0, await factory.WithDbAsync(d => d.Projects.CountAsync(Cancel)));
    }

    [Theory]
    [InlineData(TokenScopes.MembersRead, HttpStatusCode.Forbidden)]
    [InlineData(TokenScopes.MembersWrite, HttpStatusCode.Created)]
    public async Task Inviting_with_a_token_needs_members_write(string scope, HttpStatusCode expected)
    {
        await using var factory = new ConvergioFactory();
        using var user = await factory.CreateVerifiedUserAsync();
        var org = await user.CreateOrgAsync();
        var created = await user.CreateTokenAsync(factory, [scope]);
        using var client = factory.BearerClient(created.Token);

        var response = await client.PostAsJsonAsync($"{Orgs}/{org.Id}/invites", new { email = AuthTestExtensions.NewEmail(), role = "member" }, Cancel);

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_organization_limited_token_reaches_only_that_organization(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var mine = await user.CreateOrgAsync();
        var other = await user.CreateOrgAsync();
        var created = await user.CreateTokenAsync(factory, [TokenScopes.OrgsRead, TokenScopes.ProjectsRead], mine.Id);
        using var client = factory.BearerClient(created.Token);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{Orgs}/{mine.Id}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Projects(mine.Id), Cancel)).StatusCode);
        await ProblemAssert.IsProblemAsync(await client.GetAsync($"{Orgs}/{other.Id}", Cancel), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.GetAsync(Projects(other.Id), Cancel), HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_organization_limited_token_lists_only_that_organization(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var user = await factory.CreateSignedInUserAsync();
        var mine = await user.CreateOrgAsync();
        await user.CreateOrgAsync();
        var created = await user.CreateTokenAsync(factory, [TokenScopes.OrgsRead], mine.Id);
        using var client = factory.BearerClient(created.Token);

        var listed = await client.GetFromJsonAsync<List<OrgResponse>>(Orgs, Cancel);

        Assert.Equal([mine.Id], listed!.Select(o => o.Id));
    }

    [Fact]
    public async Task An_organization_limited_token_cannot_create_an_organization()
    {
        await using var factory = new ConvergioFactory();
        using var user = await factory.CreateSignedInUserAsync();
        var mine = await user.CreateOrgAsync();
        var created = await user.CreateTokenAsync(factory, [TokenScopes.OrgsWrite], mine.Id);
        using var client = factory.BearerClient(created.Token);

        var response = await client.PostAsJsonAsync(Orgs, new { name = "Elsewhere" }, Cancel);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_request_with_a_session_cookie_and_a_token_is_still_csrf_checked()
    {
        await using var factory = new ConvergioFactory();
        using var user = await factory.CreateSignedInUserAsync();
        var org = await user.CreateOrgAsync();
        var created = await user.CreateTokenAsync(factory, [TokenScopes.ProjectsWrite]);
        user.Browser.SendsCsrfHeader = false;
        using var request = new HttpRequestMessage(HttpMethod.Post, Projects(org.Id)) { Content = JsonContent.Create(new { name = "Forged" }) };
        request.Headers.Authorization = new("Bearer", created.Token);

        var response = await user.Client.SendAsync(request, Cancel);

        Assert.Equal(Csrf.CsrfTests.Rejection, await ProblemAssert.DetailAsync(response, HttpStatusCode.Forbidden));
        Assert.Equal(0, await factory.WithDbAsync(d => d.Projects.CountAsync(Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_token_has_its_own_rate_limit_bucket_apart_from_its_users_session(Db db)
    {
        await using var factory = new ConvergioFactory(db, new Dictionary<string, string?> { ["RateLimiting:General:PermitLimit"] = "3" });
        using var user = await factory.CreateSignedInUserAsync();
        var created = await user.CreateTokenAsync(factory, [TokenScopes.OrgsRead]);
        using var client = factory.BearerClient(created.Token);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Orgs, Cancel)).StatusCode);
        }

        await ProblemAssert.IsProblemAsync(await client.GetAsync(Orgs, Cancel), HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, (await user.Browser.GetAsync(Orgs)).StatusCode);
    }
}
