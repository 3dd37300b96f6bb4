using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;

// Measures whether timing reveals that an account exists, for sign-in ("unknown email"
// against "known email, wrong password"), forgot-password and sign-up (unknown against known
// address): medians interleaved in one run, reported as ratios (1.00 = indistinguishable).
// Loopback only; bounded in count.

// The same target for every flow: an unknown address answers within 10% of a known one's time,
// well inside the jitter a remote attacker sees.
const double TargetDeviation = 0.10;

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

var report = new System.Text.StringBuilder(string.Create(CultureInfo.InvariantCulture, $"account timing, {rounds} rounds each, {DateTime.UtcNow:O}\n"));
await CompareAsync("login", i => LoginAsync(knownEmails[i / 4]), _ => LoginAsync(Unknown()));
await CompareAsync("forgot-password", i => ForgotAsync(knownEmails[i / 4]), _ => ForgotAsync(Unknown()));
await CompareAsync("register", i => RegisterAsync(knownEmails[i / 4]), _ => RegisterAsync(Unknown()));
Console.Write(report);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
await File.WriteAllTextAsync(output, report.ToString());
return 0;

static string Unknown() => $"nobody-{Guid.NewGuid():N}@example.test";

async Task CompareAsync(string name, Func<int, Task<double>> knownCase, Func<int, Task<double>> unknownCase)
{
    var known = new List<double>();
    var unknown = new List<double>();
    for (var i = 0; i < rounds; i++)
    {
        // Alternate which goes first so drift on a noisy machine hits both sides alike.
        if (i % 2 == 0)
        {
            known.Add(await knownCase(i));
            unknown.Add(await unknownCase(i));
        }
        else
        {
            unknown.Add(await unknownCase(i));
            known.Add(await knownCase(i));
        }
    }
    var ratio = Median(unknown) / Median(known);
    report.Append(CultureInfo.InvariantCulture,
        $"{name}: known median {Median(known):F1} ms, unknown median {Median(unknown):F1} ms, ratio unknown/known {ratio:F3} ({(Math.Abs(ratio - 1) <= TargetDeviation ? "within" : "OUTSIDE")} the 1.00 ± {TargetDeviation:F2} target)\n");
}

Task<double> LoginAsync(string email) => TimeAsync("/api/v1/auth/login", new { email, password = "wrong-password-for-bench" }, 401);

Task<double> ForgotAsync(string email) => TimeAsync("/api/v1/auth/forgot-password", new { email }, 202);

// The server runs with Auth__RequireVerifiedEmail=true, so a new and a taken address both answer 202.
Task<double> RegisterAsync(string email) =>
    TimeAsync("/api/v1/auth/register", new { email, password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)) }, 202);

async Task<double> TimeAsync(string path, object body, int expected)
{
    var stopwatch = Stopwatch.StartNew();
    using var response = await http.PostAsJsonAsync(path, body);
    stopwatch.Stop();
    if ((int)response.StatusCode != expected)
    {
        throw new InvalidOperationException($"Unexpected status {(int)response.StatusCode} from {path}");
    }
    return stopwatch.Elapsed.TotalMilliseconds;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}
