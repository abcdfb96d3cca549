using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Fleet.FileServiceTests.Support;

namespace Fleet.FileServiceTests;

[Collection(FilesCollection.Name)]
public sealed class UploadTests(FilesFixture files)
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. RandomNumberGenerator.GetBytes(3000)];

    [Fact]
    public async Task A_multipart_upload_is_kept_with_its_hash_and_sniffed_type_and_downloads_with_ranges_and_an_etag()
    {
        var client = files.Client("alice");
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(Png);
        part.Headers.ContentType = new MediaTypeHeaderValue("text/plain"); // what the client claims is not believed
        form.Add(part, "file", "../../holiday\u0007.png");

        var response = await client.PostAsync("/files", form);

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var file = await response.Content.ReadFromJsonAsync<JsonElement>();
        file.GetProperty("name").GetString().Should().Be("holiday.png", "no path and no control character survives");
        file.GetProperty("size").GetInt64().Should().Be(Png.Length);
        file.GetProperty("content_type").GetString().Should().Be("image/png");
        file.GetProperty("sha256").GetString().Should().Be(Convert.ToHexStringLower(SHA256.HashData(Png)));
        var id = file.GetProperty("id").GetGuid();
        response.Headers.Location!.ToString().Should().Be($"/files/{id}");

        var download = await client.GetAsync($"/files/{id}/content");
        (await download.Content.ReadAsByteArrayAsync()).Should().Equal(Png);
        download.Content.Headers.ContentType!.MediaType.Should().Be("image/png");
        download.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        download.Content.Headers.ContentDisposition.FileNameStar.Should().Be("holiday.png");
        download.Headers.ETag!.Tag.Should().Be($"\"{file.GetProperty("sha256").GetString()}\"");

        using var range = new HttpRequestMessage(HttpMethod.Get, $"/files/{id}/content");
        range.Headers.Range = new RangeHeaderValue(100, 199);
        var partial = await client.SendAsync(range);
        partial.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        (await partial.Content.ReadAsByteArrayAsync()).Should().Equal(Png[100..200]);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/files/{id}/content");
        conditional.Headers.IfNoneMatch.Add(download.Headers.ETag);
        (await client.SendAsync(conditional)).StatusCode.Should().Be(HttpStatusCode.NotModified);
    }

    [Theory]
    [InlineData("report.pdf", "%PDF-1.7 rest of a pdf", "application/pdf")]
    [InlineData("notes.bin", "plain words, nothing more", "text/plain")]
    [InlineData("data.txt", "{\"a\": 1}", "application/json")]
    [InlineData("CON.txt", "x", "text/plain")]
    public async Task A_raw_upload_takes_its_name_from_the_query_and_its_type_from_its_bytes(string name, string content, string type)
    {
        var response = await files.Client("bob").PostAsync($"/files?name={Uri.EscapeDataString(name)}", new StringContent(content));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var file = await response.Content.ReadFromJsonAsync<JsonElement>();
        file.GetProperty("content_type").GetString().Should().Be(type);
        file.GetProperty("name").GetString().Should().Be(name == "CON.txt" ? "_CON.txt" : name, "a device name is never a name here");
    }

    [Fact]
    public async Task The_same_content_uploaded_twice_at_once_is_two_files_and_one_blob()
    {
        var content = RandomNumberGenerator.GetBytes(512 * 1024);
        var client = files.Client("carol");

        var uploads = await Task.WhenAll(Enumerable.Range(0, 2).Select(i =>
            client.PostAsync($"/files?name=copy{i}.bin", new ByteArrayContent(content))));

        uploads.Should().AllSatisfy(r => r.StatusCode.Should().Be(HttpStatusCode.Created));
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        files.Blobs().Count(b => b == hash).Should().Be(1);
        (await files.ScalarAsync<long>("SELECT count(*) FROM files.files WHERE sha256 = $1", hash)).Should().Be(2);

        // Deleting one keeps the content for the other; deleting both removes it.
        var ids = await Task.WhenAll(uploads.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()));
        (await client.DeleteAsync($"/files/{ids[0]}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        files.Blobs().Should().Contain(hash);
        (await client.GetAsync($"/files/{ids[1]}/content")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.DeleteAsync($"/files/{ids[1]}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        files.Blobs().Should().NotContain(hash);
        (await client.GetAsync($"/files/{ids[1]}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Too_large_a_file_is_a_413_before_or_during_the_stream_and_leaves_nothing()
    {
        var client = files.Client("dave");
        var tooLarge = RandomNumberGenerator.GetBytes((int)FilesFixture.MaxUploadBytes + 1);
        var before = await files.ScalarAsync<long>("SELECT count(*) FROM files.files WHERE owner_id = 'dave'");

        var announced = await client.PostAsync("/files?name=big.bin", new ByteArrayContent(tooLarge));
        var streamed = await client.PostAsync("/files?name=big.bin", new StreamContent(new UnannouncedStream(tooLarge)));

        announced.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        announced.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        streamed.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge, "a body without a length is counted as it streams");
        (await files.ScalarAsync<long>("SELECT count(*) FROM files.files WHERE owner_id = 'dave'")).Should().Be(before);
        files.Blobs().Should().NotContain(Convert.ToHexStringLower(SHA256.HashData(tooLarge)));
        files.Incoming().Should().BeEmpty();
    }

    [Fact]
    public async Task An_upload_cut_off_mid_way_leaves_neither_a_row_nor_a_blob()
    {
        var client = files.Client("erin");

        var upload = () => client.PostAsync("/files?name=cut.bin", new StreamContent(new FailingStream(256 * 1024)));

        await upload.Should().ThrowAsync<Exception>();
        (await files.ScalarAsync<long>("SELECT count(*) FROM files.files WHERE owner_id = 'erin'")).Should().Be(0);
        files.Incoming().Should().BeEmpty();
    }

    [Fact]
    public async Task A_user_sees_only_their_files_another_users_are_404_and_an_admin_sees_all()
    {
        var owner = files.Client($"frank-{Guid.NewGuid():N}");
        var stranger = files.Client($"grace-{Guid.NewGuid():N}");
        var admin = files.Client("root", "files:read files:write admin");
        var created = await (await owner.PostAsync("/files?name=private.txt", new StringContent("mine"))).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();

        (await stranger.GetAsync($"/files/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await stranger.GetAsync($"/files/{id}/content")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await stranger.DeleteAsync($"/files/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await stranger.GetFromJsonAsync<JsonElement>("/files")).GetProperty("files").GetArrayLength().Should().Be(0);
        (await owner.GetFromJsonAsync<JsonElement>("/files?name=privat")).GetProperty("files")[0].GetProperty("id").GetGuid().Should().Be(id);
        (await admin.GetAsync($"/files/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await files.Client("reader", "files:read").PostAsync("/files?name=x.txt", new StringContent("x"))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Pages_go_newest_first_and_a_cursor_continues()
    {
        var client = files.Client($"pager-{Guid.NewGuid():N}");
        for (var i = 0; i < 5; i++)
        {
            (await client.PostAsync($"/files?name=f{i}.txt", new StringContent($"file {i}"))).StatusCode.Should().Be(HttpStatusCode.Created);
        }

        var names = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/files?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}");
            names.AddRange(page.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        names.Should().Equal("f4.txt", "f3.txt", "f2.txt", "f1.txt", "f0.txt");
        (await client.GetAsync("/files?cursor=nope")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    /// <summary>A body whose length is not announced: the server counts it as it comes.</summary>
    private sealed class UnannouncedStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }

    /// <summary>A client that dies after <paramref name="bytes"/> bytes.</summary>
    private sealed class FailingStream(int bytes) : Stream
    {
        private int _sent;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _sent; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_sent >= bytes)
            {
                throw new IOException("the client went away");
            }
            var n = Math.Min(count, bytes - _sent);
            Array.Fill(buffer, (byte)'x', offset, n);
            _sent += n;
            return n;
        }
    }
}
