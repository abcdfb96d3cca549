using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.FileService.Files.Scanning;
using Fleet.FileServiceTests.Support;

namespace Fleet.FileServiceTests;

[Collection(FilesCollection.Name)]
public sealed class ScanFlowTests(FilesFixture files)
{
    [Fact]
    public async Task An_uploaded_text_file_is_scanned_off_the_queue_and_labelled_with_its_findings_but_not_their_values()
    {
        var client = files.Client($"scanned-{Guid.NewGuid():N}");
        var cards = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Samples", "payment_cards.txt"));
        var id = await UploadAsync(client, "cards.txt", cards);

        var scan = await ScannedAsync(client, id);

        scan.GetProperty("status").GetString().Should().Be("scanned");
        scan.GetProperty("level").GetString().Should().Be("restricted");
        scan.GetProperty("rules_version").GetInt32().Should().Be(ScanRules.Version);
        var card = scan.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("type").GetString() == ScanRules.PaymentCard);
        card.GetProperty("count").GetInt32().Should().Be(3);
        card.GetProperty("first_offsets")[0].GetInt64().Should().Be("Visa test card ".Length, "where the first card starts");
        scan.GetRawText().Should().NotContain("4111", "a scan never repeats what it found");
        var restricted = await client.GetFromJsonAsync<JsonElement>("/files?sensitivity=restricted");
        restricted.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("id").GetGuid()).Should().Contain(id);
        (await client.GetAsync("/files?sensitivity=secret")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_file_that_is_not_text_is_marked_skipped_and_a_clean_one_public()
    {
        var client = files.Client($"skipped-{Guid.NewGuid():N}");
        var png = await UploadAsync(client, "pixel.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);
        var clean = await UploadAsync(client, "poem.txt", "Roses are red, violets are blue."u8.ToArray());

        (await ScannedAsync(client, png)).GetProperty("status").GetString().Should().Be("skipped");
        var poem = await ScannedAsync(client, clean);
        poem.GetProperty("level").GetString().Should().Be("public");
        poem.GetProperty("findings").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task A_rescan_queues_the_files_scanned_under_older_rules_and_needs_files_admin()
    {
        var client = files.Client($"rescanned-{Guid.NewGuid():N}");
        var id = await UploadAsync(client, "contacts.txt", "write to ana@example.com"u8.ToArray());
        var first = await ScannedAsync(client, id);
        // As if it had been scanned before the rules last changed.
        await files.ScalarAsync<object>("UPDATE files.files SET scan_rules_version = 0, sensitivity = 'public' WHERE id = $1", id);

        var forbidden = await client.PostAsync("/files/scans/rescan", null);
        var rescan = await files.Client("scheduler", "files:admin").PostAsync("/files/scans/rescan", null);

        forbidden.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        rescan.StatusCode.Should().Be(HttpStatusCode.OK);
        (await rescan.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("processed").GetInt32().Should().BeGreaterThanOrEqualTo(1);
        JsonElement again = default;
        for (var attempt = 0; attempt < 150; attempt++, await Task.Delay(100))
        {
            again = await client.GetFromJsonAsync<JsonElement>($"/files/{id}/scan");
            if (again.GetProperty("rules_version").GetInt32() == ScanRules.Version && again.GetProperty("status").GetString() == "scanned")
            {
                break;
            }
        }
        again.GetProperty("level").GetString().Should().Be("internal", "scanned again, it is labelled by today's rules");
        again.GetProperty("scanned_at").GetDateTimeOffset().Should().BeAfter(first.GetProperty("scanned_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_scan_that_keeps_failing_is_retried_then_the_file_is_marked_failed_and_the_message_dead_lettered()
    {
        // A file whose content cannot be read: its row and its announcement written behind the service's back.
        var id = Guid.NewGuid();
        var owner = $"broken-{Guid.NewGuid():N}";
        await files.ScalarAsync<object>("""
            INSERT INTO files.files (id, owner_id, name, size, content_type, sha256, uploaded_at, scan_status, scan_truncated)
            VALUES ($1, $2, 'gone.txt', 10, 'text/plain', $3, now(), 'pending', false)
            """, id, owner, new string('0', 64));
        var deadBefore = await files.DeadLetteredAsync();
        await files.ScalarAsync<object>("INSERT INTO files.outbox (routing_key, file_id, created_at) VALUES ('files.uploaded', $1, now())", id);

        JsonElement scan = default;
        for (var attempt = 0; attempt < 600; attempt++, await Task.Delay(100))
        {
            scan = await files.Client(owner).GetFromJsonAsync<JsonElement>($"/files/{id}/scan");
            if (scan.GetProperty("status").GetString() == "failed")
            {
                break;
            }
        }

        scan.GetProperty("status").GetString().Should().Be("failed");
        scan.GetProperty("error").GetString().Should().NotBeNullOrEmpty();
        for (var attempt = 0; attempt < 100 && await files.DeadLetteredAsync() == deadBefore; attempt++)
        {
            await Task.Delay(100);
        }
        (await files.DeadLetteredAsync()).Should().Be(deadBefore + 1);
    }

    private static async Task<Guid> UploadAsync(HttpClient client, string name, byte[] content)
    {
        var response = await client.PostAsync($"/files?name={name}", new ByteArrayContent(content));
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<JsonElement> ScannedAsync(HttpClient client, Guid id)
    {
        JsonElement scan = default;
        for (var attempt = 0; attempt < 150; attempt++, await Task.Delay(100))
        {
            scan = await client.GetFromJsonAsync<JsonElement>($"/files/{id}/scan");
            if (scan.GetProperty("status").GetString() != "pending")
            {
                break;
            }
        }
        return scan;
    }
}
