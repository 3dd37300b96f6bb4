using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;

// Measures whether sign-in timing reveals that an account exists: the median time of
// "unknown email" against "known email, wrong password", interleaved in one run, reported
// as a ratio (1.00 = indistinguishable). Loopback only; bounded in count.
var baseUrl = args.Length > 0 ? args[0] : "http://127.0.0.1:5080";
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60;
var output = args.Length > 2 ? args[2] : Path.Combine("bench", "results", "login-timing.txt");
if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var target) || !target.IsLoopback)
{
    Console.Error.WriteLine("Refusing to send load anywhere but loopback.");
    return 2;
}

using var http = new HttpClient { BaseAddress = target, Timeout = TimeSpan.FromSeconds(30) };
// Each known account takes at most four wrong passwords: the fifth would start the sign-in
// penalty, which answers 429 without hashing and would flatter the known side.
var knownEmails = new List<string>();
for (var i = 0; i < (rounds + 3) / 4; i++)
{
    var email = $"bench-{Guid.NewGuid():N}@example.test";
    var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
    (await http.PostAsJsonAsync("/api/v1/auth/register", new { email, password })).EnsureSuccessStatusCode();
    knownEmails.Add(email);
}

var known = new List<double>();
var unknown = new List<double>();
for (var i = 0; i < rounds; i++)
{
    // Alternate which goes first so drift on a noisy machine hits both sides alike.
    if (i % 2 == 0)
    {
        known.Add(await TimeAsync(knownEmails[i / 4]));
        unknown.Add(await TimeAsync($"nobody-{Guid.NewGuid():N}@example.test"));
    }
    else
    {
        unknown.Add(await TimeAsync($"nobody-{Guid.NewGuid():N}@example.test"));
        known.Add(await TimeAsync(knownEmails[i / 4]));
    }
}

var ratio = Median(unknown) / Median(known);
var report = string.Create(CultureInfo.InvariantCulture,
    $"login timing, {rounds} rounds each, {DateTime.UtcNow:O}\nknown email + wrong password: median {Median(known):F1} ms\nunknown email:                median {Median(unknown):F1} ms\nratio unknown/known: {ratio:F3}\n");
Console.Write(report);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, report);
return 0;

async Task<double> TimeAsync(string loginEmail)
{
    var stopwatch = Stopwatch.StartNew();
    using var response = await http.PostAsJsonAsync("/api/v1/auth/login", new { email = loginEmail, password = "wrong-password-for-bench" });
    stopwatch.Stop();
    if ((int)response.StatusCode != 401)
    {
        throw new InvalidOperationException($"Unexpected status {(int)response.StatusCode}");
    }
    return stopwatch.Elapsed.TotalMilliseconds;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}
