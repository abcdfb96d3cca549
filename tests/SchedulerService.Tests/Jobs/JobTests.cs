using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.SchedulerService.Jobs;
using Fleet.SchedulerServiceTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.SchedulerServiceTests.Jobs;

[Collection(SchedulerCollection.Name)]
public sealed class JobTests(SchedulerFixture fleet)
{
    [Fact]
    public async Task A_run_asked_for_while_one_is_going_is_a_409_and_the_run_is_recorded_with_its_outcome()
    {
        var client = fleet.Client("jobs:admin");
        var runsBefore = fleet.Gate.Runs;
        fleet.Gate.Hold();

        var started = await client.PostAsync($"/jobs/{GatedJob.Name}/run", null);
        var second = await client.PostAsync($"/jobs/{GatedJob.Name}/run", null);
        fleet.Gate.Release();
        await fleet.Gate.Finished(runsBefore).WaitAsync(TimeSpan.FromSeconds(10));

        started.StatusCode.Should().Be(HttpStatusCode.Accepted);
        started.Headers.Location!.ToString().Should().Be($"/jobs/{GatedJob.Name}/runs");
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run_id").GetGuid();
        second.StatusCode.Should().Be(HttpStatusCode.Conflict);
        second.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var run = await fleet.FinishedRunAsync(client, runId);
        run.GetProperty("trigger").GetString().Should().Be("manual");
        run.GetProperty("outcome").GetString().Should().Be("succeeded");
        run.GetProperty("items").GetInt32().Should().Be(runsBefore + 1);
    }

    [Fact]
    public async Task Two_replicas_due_at_the_same_occurrence_run_it_once()
    {
        await using var replica = fleet.CreateFactory(GatedJob.Name, "0 0 1 1 *", fleet.Gate);
        var occurrence = new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(Random.Shared.Next(1_000_000));
        var options = new JobOptions { Cron = "0 0 1 1 *", Timeout = TimeSpan.FromMinutes(1) };
        fleet.Gate.Hold();

        var first = fleet.Service<JobRunner>().RunAsync(GatedJob.Name, options, JobTrigger.Schedule, occurrence, CancellationToken.None);
        var second = replica.Services.GetRequiredService<JobRunner>().RunAsync(GatedJob.Name, options, JobTrigger.Schedule, occurrence, CancellationToken.None);
        var refused = await Task.WhenAny(first, second);
        fleet.Gate.Release();
        var results = await Task.WhenAll(first, second);
        var again = await replica.Services.GetRequiredService<JobRunner>().RunAsync(GatedJob.Name, options, JobTrigger.Schedule, occurrence, CancellationToken.None);

        (await refused).Should().BeNull("the other replica held the job's lock");
        results.Should().ContainSingle(id => id != null);
        again.Should().BeNull("that occurrence has run");
    }

    [Fact]
    public async Task A_run_past_its_timeout_is_cancelled_and_recorded_as_timed_out()
    {
        var slow = new GatedJob();
        slow.Hold();
        await using var service = fleet.CreateFactory("slow", "0 0 1 1 *", slow, timeout: "00:00:00.500");
        _ = service.Server;
        await slow.Finished(0).WaitAsync(TimeSpan.FromSeconds(30)); // the catch-up run at start, held past its timeout

        var runs = await fleet.Client("jobs:admin", service).GetFromJsonAsync<JsonElement>("/jobs/slow/runs");

        var run = await fleet.FinishedRunAsync(fleet.Client("jobs:admin", service), runs[0].GetProperty("id").GetGuid(), "slow");
        run.GetProperty("outcome").GetString().Should().Be("timed_out");
        run.GetProperty("error").GetString().Should().Contain("00:00:00.5");
    }

    [Fact]
    public async Task Occurrences_missed_while_everything_was_down_are_run_once_at_start()
    {
        var job = $"minutely-{Guid.NewGuid():N}";
        // Its last run was ten minutes ago: ten occurrences went by with no replica up.
        await fleet.ExecuteAsync("""
            INSERT INTO scheduler.job_runs (id, job, trigger, scheduled_for, started_at, ended_at, outcome)
            VALUES (gen_random_uuid(), $1, 'schedule', $2, $2, $2, 'succeeded')
            """, job, DateTimeOffset.UtcNow.AddMinutes(-10));
        var minutely = new GatedJob();

        await using var service = fleet.CreateFactory(job, "* * * * *", minutely);
        _ = service.Server;
        await minutely.Finished(0).WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(500);

        var runs = (await fleet.Client("jobs:admin", service).GetFromJsonAsync<JsonElement>($"/jobs/{job}/runs")).EnumerateArray().ToList();
        runs.Count(r => r.GetProperty("trigger").GetString() == "catch_up").Should().Be(1);
        runs.Should().HaveCountLessThanOrEqualTo(3, "the one before, the catch-up, and perhaps the minute's own tick");
    }

    [Fact]
    public async Task A_run_whose_replica_died_is_marked_failed_by_the_next_run()
    {
        var orphan = Guid.NewGuid();
        await fleet.ExecuteAsync("""
            INSERT INTO scheduler.job_runs (id, job, trigger, started_at, outcome) VALUES ($1, $2, 'manual', now() - interval '1 hour', 'running')
            """, orphan, GatedJob.Name);
        var options = new JobOptions { Cron = "0 0 1 1 *", Timeout = TimeSpan.FromMinutes(1) };

        await fleet.Service<JobRunner>().RunAsync(GatedJob.Name, options, JobTrigger.Manual, scheduledFor: null, CancellationToken.None);

        var run = await fleet.FinishedRunAsync(fleet.Client("jobs:admin"), orphan);
        run.GetProperty("outcome").GetString().Should().Be("failed");
        run.GetProperty("error").GetString().Should().Contain("replica stopped");
    }

    [Fact]
    public void A_job_configured_without_its_work_stops_the_service_from_starting()
    {
        using var service = fleet.CreateFactory(GatedJob.Name, "0 0 1 1 *", fleet.Gate, settings: [("Scheduler:Jobs:nobody-wrote-it:Cron", "* * * * *")]);

        var start = () => service.Server;

        start.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().WithMessage("*needs its work registered*");
    }

    [Fact]
    public async Task A_job_that_is_a_message_publishes_one_per_run_and_fails_when_nothing_would_receive_it()
    {
        var queue = $"test.jobs.{Guid.NewGuid():N}";
        var broker = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(fleet.RabbitMQ) };
        await using var connection = await broker.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: true);

        // Both run once at start, catching up the occurrence they never ran.
        await using var service = fleet.CreateFactory(GatedJob.Name, "0 0 1 1 *", fleet.Gate, settings:
        [
            ("Scheduler:Jobs:tell-someone:Cron", "0 0 1 1 *"), ("Scheduler:Jobs:tell-someone:Message:RoutingKey", queue),
            ("Scheduler:Jobs:tell-nobody:Cron", "0 0 1 1 *"), ("Scheduler:Jobs:tell-nobody:Message:RoutingKey", $"nowhere.{Guid.NewGuid():N}"),
        ]);
        _ = service.Server;

        RabbitMQ.Client.BasicGetResult? message = null;
        for (var attempt = 0; attempt < 100 && message is null; attempt++)
        {
            message = await channel.BasicGetAsync(queue, autoAck: true);
            await Task.Delay(message is null ? 100 : 0);
        }
        message.Should().NotBeNull("the run published to the queue");
        JsonDocument.Parse(message!.Body).RootElement.GetProperty("job").GetString().Should().Be("tell-someone");
        var client = fleet.Client("jobs:admin", service);
        var told = (await client.GetFromJsonAsync<JsonElement>("/jobs/tell-someone/runs"))[0];
        (await fleet.FinishedRunAsync(client, told.GetProperty("id").GetGuid(), "tell-someone")).GetProperty("outcome").GetString().Should().Be("succeeded");
        JsonElement[] unheard = [];
        for (var attempt = 0; attempt < 100 && unheard.Length == 0; attempt++, await Task.Delay(100))
        {
            unheard = [.. (await client.GetFromJsonAsync<JsonElement>("/jobs/tell-nobody/runs")).EnumerateArray()];
        }
        (await fleet.FinishedRunAsync(client, unheard[0].GetProperty("id").GetGuid(), "tell-nobody")).GetProperty("outcome").GetString()
            .Should().Be("failed", "a message no queue would receive is not work done");
    }

    [Fact]
    public async Task Jobs_are_listed_with_their_schedule_and_last_run_and_need_jobs_admin()
    {
        var jobs = await fleet.Client("jobs:admin").GetFromJsonAsync<JsonElement>("/jobs");
        var unknown = await fleet.Client("jobs:admin").GetAsync("/jobs/nope/runs");
        var withoutScope = await fleet.Client("rides:read").GetAsync("/jobs");

        var gated = jobs.EnumerateArray().Single(j => j.GetProperty("name").GetString() == GatedJob.Name);
        gated.GetProperty("cron").GetString().Should().Be("0 0 1 1 *");
        gated.GetProperty("next_run_at").GetDateTimeOffset().Should().Be(new DateTimeOffset(DateTime.UtcNow.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero));
        gated.GetProperty("last_run").GetProperty("outcome").GetString().Should().NotBeNullOrEmpty();
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        withoutScope.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
