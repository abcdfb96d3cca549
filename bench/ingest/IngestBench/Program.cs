// The XRides feed end to end, on the whole system as `./fleet run` starts it (Development), through the gateway with
// the xrides client's token and rate limit. Every case in the same run, alternating, after warm-up rounds (until the
// single-ride rate moves by less than 10 % from one to the next, at most 5: the services compile their hot paths as they go):
//   copy    baseline: binary COPY of the same rows straight into rides.rides, from this machine
//   json    POST /rides, batches of 1,000, 4 senders: rides/s from the first send until the last ride is stored
//   csv     POST /rides/csv, the same batches as CSV
//   single  POST /rides, one ride per request, 32 senders for 10 s: acknowledged requests/s, p50/p99 latency
//   floor   the same senders, GET /rides/requests/{unknown id}: the cheapest authenticated request on the same path
//   stored  one ride at a time: from its 202 until its tracking link says stored, p50/p99
// Usage: dotnet run -c Release -- <rounds> <report.md>
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Fleet.AppHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

var rounds = args.Length > 0 ? int.Parse(args[0]) : 3;
var report = args.Length > 1 ? args[1] : "ingest.md";
const int BatchSize = 1_000, Batches = 20, Senders = 4, SingleSenders = 32, StoredSamples = 40;
var singleDuration = TimeSpan.FromSeconds(10);

var data = Directory.CreateTempSubdirectory("fleet-bench-ingest-");
// PostgreSQL runs as the postgres user: every folder on the way to its data must let others through.
if (OperatingSystem.IsLinux()) { File.SetUnixFileMode(data.FullName, (UnixFileMode)0b111_101_101); }
int FreePort() { using var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0); l.Start(); return ((IPEndPoint)l.LocalEndpoint).Port; }
var builder = await DistributedApplicationTestingBuilder.CreateAsync(typeof(FleetServiceExtensions),
    ["--DataDirectory", data.FullName, "--GatewayPort", FreePort().ToString(), "--ASPNETCORE_URLS", $"http://localhost:{FreePort()}",
     "--ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", $"http://localhost:{FreePort()}", "--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", $"http://localhost:{FreePort()}",
     "--ASPIRE_ALLOW_UNSECURED_TRANSPORT", "true", "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS", "true"],
    (options, _) => options.DisableDashboard = false);
await using var app = await builder.BuildAsync();
await app.StartAsync();
var model = app.Services.GetRequiredService<DistributedApplicationModel>();
foreach (var service in model.Resources.OfType<ProjectResource>())
{
    await app.ResourceNotifications.WaitForResourceHealthyAsync(service.Name);
}
var gatewayUrl = app.GetEndpoint("gateway", "http");
await using var db = NpgsqlDataSource.Create(await app.GetConnectionStringAsync("ridesdb") ?? throw new InvalidOperationException());
var secret = await model.Resources.OfType<ParameterResource>().Single(p => p.Name == "xrides-client-secret").GetValueAsync(default);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = gatewayUrl, Timeout = TimeSpan.FromSeconds(60) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync());

var nextId = 3_000_000_000L;
var figures = new Dictionary<string, List<double>>();
void Add(string name, double value) => (figures.TryGetValue(name, out var list) ? list : figures[name] = []).Add(value);
string[] cases = ["copy", "json", "csv", "single", "floor", "stored"];
// Warm-up rounds keep nothing: until the single-ride rate moves by less than 10 % from one to the next, at most 5.
var warmups = 0;
for (double? last = null; warmups < 5;)
{
    warmups++;
    var single = (await SingleAsync(floor: false))[0].Item2;
    await SingleAsync(floor: true);
    await FeedAsync(csv: false);
    await FeedAsync(csv: true);
    Console.WriteLine($"warm-up {warmups}: single req/s {single:0.0}");
    if (last is { } previous && Math.Abs(single - previous) / previous < 0.10)
    {
        break;
    }
    last = single;
}
for (var round = 1; round <= rounds; round++)
{
    var order = round % 2 == 0 ? cases : [.. cases.Reverse()];
    foreach (var name in order)
    {
        var measured = name switch
        {
            "copy" => [("copy rides/s", await CopyAsync())],
            "json" => [("json rides/s", await FeedAsync(csv: false))],
            "csv" => [("csv rides/s", await FeedAsync(csv: true))],
            "single" => await SingleAsync(floor: false),
            "floor" => await SingleAsync(floor: true),
            _ => await StoredAsync(),
        };
        foreach (var (figure, value) in measured)
        {
            Console.WriteLine($"round {round} {figure}: {value:0.0}");
            Add(figure, value);
        }
    }
}

static double Median(List<double> values) { var s = values.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
string Cell(string name) => $"{Median(figures[name]):0.0} ({figures[name].Min():0.0}–{figures[name].Max():0.0})";
// The ratio of each round against the COPY of the same round, then their median: this machine is noisy.
string Ratio(string name, string baseline = "copy rides/s") => $"{Median([.. figures[name].Zip(figures[baseline], (value, reference) => value / reference)]):0.00}";
var machine = $"{Environment.ProcessorCount} cores, {File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("model name")).Split(':')[1].Trim()}, " +
    $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, load average at the end {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3])}";
var text = new StringBuilder()
    .AppendLine($"# Ride feed end to end — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC").AppendLine()
    .AppendLine($"Machine: {machine}. The whole system as `./fleet run` starts it (Development, two IngestService replicas, dashboard on), ")
    .AppendLine($"reached through the gateway with the xrides client's token and rate limit. {warmups} warm-up rounds (until the single-ride rate was steady), then " +
        $"{rounds} rounds alternating the order of the cases. Cells: median (min–max); vs COPY: the median of each round's ratio.").AppendLine()
    .AppendLine("| case | figure | vs COPY |").AppendLine("|---|---|---|")
    .AppendLine($"| baseline: binary COPY of {Batches * BatchSize:N0} rides into rides.rides, rides/s | {Cell("copy rides/s")} | 1.00 |")
    .AppendLine($"| JSON, {Batches} batches of {BatchSize:N0}, {Senders} senders, first send to last stored, rides/s | {Cell("json rides/s")} | {Ratio("json rides/s")} |")
    .AppendLine($"| CSV, the same batches, rides/s | {Cell("csv rides/s")} | {Ratio("csv rides/s")} |")
    .AppendLine($"| floor: authenticated GET of an unknown tracking id (404), {SingleSenders} senders for {singleDuration.TotalSeconds:0} s, answers/s | {Cell("floor req/s")} | |")
    .AppendLine($"| floor latency p50 / p99, ms | {Cell("floor p50 ms")} / {Cell("floor p99 ms")} | |")
    .AppendLine($"| single-ride POSTs, the same senders, acknowledged/s | {Cell("single req/s")} | {Ratio("single req/s", "floor req/s")} of the floor |")
    .AppendLine($"| single-ride POST latency p50, ms | {Cell("single p50 ms")} | |")
    .AppendLine($"| single-ride POST latency p99, ms | {Cell("single p99 ms")} | |")
    .AppendLine($"| 202 to stored, one ride at a time ({StoredSamples} samples), p50 ms | {Cell("stored p50 ms")} | |")
    .AppendLine($"| 202 to stored, p99 ms | {Cell("stored p99 ms")} | |")
    .AppendLine().AppendLine("Rerun: `bench/ingest/run.sh [rounds]`.");
File.WriteAllText(report, text.ToString());
Console.WriteLine(text);
data.Delete(recursive: true);

async Task<string> TokenAsync()
{
    using var client = new HttpClient { BaseAddress = gatewayUrl };
    using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/connect/token")
    {
        Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", "rides:write rides:read")]),
    };
    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"xrides:{secret}")));
    using var response = await client.SendAsync(request);
    response.EnsureSuccessStatusCode();
    return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
}

long[] NewIds(int count) { var first = Interlocked.Add(ref nextId, count) - count; return [.. Enumerable.Range(0, count).Select(i => first + i)]; }

string Json(IEnumerable<long> ids) => JsonSerializer.Serialize(ids.Select(id => new Dictionary<string, object?>
{
    ["id"] = id, ["user_id"] = id % 50_000 + 1, ["vehicle_model_id"] = (int)(id % 90) + 1, ["travel_type_id"] = 2, ["from_area_id"] = (int)(id % 1_400) + 1,
    ["to_area_id"] = (int)(id % 1_300) + 1, ["from_city_id"] = 15, ["from_date"] = "2013-03-14T08:30:00", ["booking_created"] = "2013-03-14T07:55:00",
    ["online_booking"] = id % 3 == 0, ["mobile_site_booking"] = id % 3 == 1, ["from_lat"] = 12.97, ["from_long"] = 77.59, ["to_lat"] = 12.93,
    ["to_long"] = 77.62, ["car_cancellation"] = id % 13 == 0,
}));

string Csv(IEnumerable<long> ids) => new StringBuilder()
    .AppendLine("id,user_id,vehicle_model_id,package_id,travel_type_id,from_area_id,to_area_id,from_city_id,to_city_id,from_date,to_date,online_booking,mobile_site_booking,booking_created,from_lat,from_long,to_lat,to_long,Car_Cancellation")
    .AppendJoin('\n', ids.Select(id => $"{id},{id % 50_000 + 1},{id % 90 + 1},NULL,2,{id % 1_400 + 1},{id % 1_300 + 1},15,NULL,3/14/2013 8:30,NULL,{(id % 3 == 0 ? 1 : 0)},{(id % 3 == 1 ? 1 : 0)},3/14/2013 7:55,12.97,77.59,12.93,77.62,{(id % 13 == 0 ? 1 : 0)}"))
    .Append('\n').ToString();

async Task<double> CopyAsync()
{
    var ids = NewIds(Batches * BatchSize);
    var tracking = Guid.CreateVersion7();
    var started = Stopwatch.StartNew();
    await using var connection = await db.OpenConnectionAsync();
    await using (var import = await connection.BeginBinaryImportAsync(
        "COPY rides.rides (id, user_id, vehicle_model_id, travel_type_id, from_area_id, to_area_id, from_city_id, from_date, online_booking, " +
        "mobile_site_booking, booking_created, from_lat, from_long, to_lat, to_long, car_cancellation, tracking_id, received_at, seq, stored_at) FROM STDIN (FORMAT BINARY)"))
    {
        var at = DateTimeOffset.UtcNow;
        foreach (var id in ids)
        {
            await import.StartRowAsync();
            await import.WriteAsync(id, NpgsqlDbType.Bigint);
            await import.WriteAsync(id % 50_000 + 1, NpgsqlDbType.Bigint);
            await import.WriteAsync((int)(id % 90) + 1, NpgsqlDbType.Integer);
            await import.WriteAsync(2, NpgsqlDbType.Integer);
            await import.WriteAsync((int)(id % 1_400) + 1, NpgsqlDbType.Integer);
            await import.WriteAsync((int)(id % 1_300) + 1, NpgsqlDbType.Integer);
            await import.WriteAsync(15, NpgsqlDbType.Integer);
            await import.WriteAsync(new DateTimeOffset(2013, 3, 14, 3, 0, 0, TimeSpan.Zero), NpgsqlDbType.TimestampTz);
            await import.WriteAsync(id % 3 == 0, NpgsqlDbType.Boolean);
            await import.WriteAsync(id % 3 == 1, NpgsqlDbType.Boolean);
            await import.WriteAsync(new DateTimeOffset(2013, 3, 14, 2, 25, 0, TimeSpan.Zero), NpgsqlDbType.TimestampTz);
            await import.WriteAsync(12.97, NpgsqlDbType.Double);
            await import.WriteAsync(77.59, NpgsqlDbType.Double);
            await import.WriteAsync(12.93, NpgsqlDbType.Double);
            await import.WriteAsync(77.62, NpgsqlDbType.Double);
            await import.WriteAsync(id % 13 == 0, NpgsqlDbType.Boolean);
            await import.WriteAsync(tracking, NpgsqlDbType.Uuid);
            await import.WriteAsync(at, NpgsqlDbType.TimestampTz);
            await import.WriteAsync(id - ids[0], NpgsqlDbType.Bigint);
            await import.WriteAsync(at, NpgsqlDbType.TimestampTz);
        }
        await import.CompleteAsync();
    }
    return ids.Length / started.Elapsed.TotalSeconds;
}

async Task<double> FeedAsync(bool csv)
{
    var batches = Enumerable.Range(0, Batches).Select(_ => NewIds(BatchSize)).ToList();
    var bodies = batches.Select(ids => csv ? Csv(ids) : Json(ids)).ToList();
    var next = -1;
    var started = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, Senders).Select(async _ =>
    {
        for (var i = Interlocked.Increment(ref next); i < bodies.Count; i = Interlocked.Increment(ref next))
        {
            using var content = new StringContent(bodies[i], Encoding.UTF8, csv ? "text/csv" : "application/json");
            using var response = await http.PostAsync(csv ? "/rides/csv" : "/rides", content);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
    }));
    var (low, high) = (batches.Min(b => b[0]), batches.Max(b => b[^1]));
    while (await CountAsync(low, high) < Batches * BatchSize)
    {
        await Task.Delay(10);
    }
    return Batches * BatchSize / started.Elapsed.TotalSeconds;
}

async Task<long> CountAsync(long low, long high)
{
    await using var command = db.CreateCommand("SELECT count(*) FROM rides.rides WHERE id BETWEEN $1 AND $2");
    command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = low });
    command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = high });
    return (long)(await command.ExecuteScalarAsync())!;
}

// One ride per POST; or, as the floor, the cheapest authenticated request through the same gateway route to the same
// service: what any request costs on this machine before a ride is read, queued and recorded.
async Task<(string, double)[]> SingleAsync(bool floor)
{
    var name = floor ? "floor" : "single";
    var unknown = $"/rides/requests/{Guid.CreateVersion7()}";
    var latencies = new List<double>[SingleSenders];
    var deadline = Stopwatch.GetTimestamp() + (long)(singleDuration.TotalSeconds * Stopwatch.Frequency);
    var started = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, SingleSenders).Select(async sender =>
    {
        var mine = latencies[sender] = [];
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var body = floor ? null : Json(NewIds(1))[1..^1]; // one ride object, not an array
            var sent = Stopwatch.GetTimestamp();
            using var content = floor ? null : new StringContent(body!, Encoding.UTF8, "application/json");
            using var response = floor ? await http.GetAsync(unknown) : await http.PostAsync("/rides", content);
            if (response.StatusCode == (floor ? HttpStatusCode.NotFound : HttpStatusCode.Accepted))
            {
                mine.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
        }
    }));
    var all = latencies.SelectMany(l => l).Order().ToList();
    return [($"{name} req/s", all.Count / started.Elapsed.TotalSeconds), ($"{name} p50 ms", all[all.Count / 2]), ($"{name} p99 ms", all[(int)(all.Count * 0.99)])];
}

async Task<(string, double)[]> StoredAsync()
{
    var samples = new List<double>();
    for (var i = 0; i < StoredSamples; i++)
    {
        using var content = new StringContent(Json(NewIds(1))[1..^1], Encoding.UTF8, "application/json");
        using var accepted = await http.PostAsync("/rides", content);
        var at = Stopwatch.GetTimestamp();
        var location = accepted.Headers.Location!;
        while (true)
        {
            using var view = await http.GetAsync(location);
            if (view.StatusCode == HttpStatusCode.OK && (await view.Content.ReadAsStringAsync()).Contains("\"status\":\"stored\""))
            {
                break;
            }
            await Task.Delay(2);
        }
        samples.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
    }
    samples.Sort();
    return [("stored p50 ms", samples[samples.Count / 2]), ("stored p99 ms", samples[(int)(samples.Count * 0.99)])];
}
