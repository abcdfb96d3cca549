using System.Text;
using Fleet.AuditService.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Fleet.AuditService.Retention;

/// <summary>What one enforcement did; <see cref="Processed"/> is what the scheduler records as the run's items.</summary>
public sealed record RetentionRun(int PartitionsDropped, long EventsDeleted)
{
    public long Processed => PartitionsDropped + EventsDeleted;
}

/// <summary>
/// Applies the retention policies: drops each daily partition whose every event is past the longest keep of all (cheap,
/// whatever its size), then deletes in batches the events past the keep of the most specific policy that matches them.
/// </summary>
public sealed class RetentionEnforcer(AuditDbContext db, NpgsqlDataSource dataSource, IOptions<RetentionOptions> options, TimeProvider time)
{
    public async Task<RetentionRun> RunAsync(CancellationToken cancellationToken)
    {
        var policies = await db.RetentionPolicies.AsNoTracking().ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var longest = policies.Select(p => p.KeepDays).Append(options.Value.DefaultDays).Max();
        var dropped = await DropPartitionsBeforeAsync(now.AddDays(-longest), cancellationToken);
        var deleted = await DeleteExpiredAsync(policies, now, cancellationToken);
        return new RetentionRun(dropped, deleted);
    }

    private async Task<int> DropPartitionsBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var expired = new List<string>();
        await using (var list = dataSource.CreateCommand("""
            SELECT quote_ident(p.partition_schemaname) || '.' || quote_ident(p.partition_tablename)
            FROM partman.show_partitions('audit.events') p,
                 LATERAL partman.show_partition_info(p.partition_schemaname || '.' || p.partition_tablename) i
            WHERE i.child_end_time <= $1
            """))
        {
            list.Parameters.Add(new NpgsqlParameter { Value = cutoff });
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                expired.Add(reader.GetString(0));
            }
        }
        foreach (var partition in expired)
        {
            // The name comes from pg_partman's catalogue, quoted by PostgreSQL: never from a caller.
            // IF EXISTS: two runs at once may both have listed it.
            await using var drop = dataSource.CreateCommand($"DROP TABLE IF EXISTS {partition}");
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
        return expired.Count;
    }

    private async Task<long> DeleteExpiredAsync(List<RetentionPolicy> policies, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        string Parameter(object value)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
            return $"${command.Parameters.Count}";
        }

        // Each event's keep: the first policy that matches it, most specific first (ties: the longest keep), else the default.
        var keep = new StringBuilder(policies.Count == 0 ? "" : "CASE");
        foreach (var policy in policies.OrderByDescending(p => p.Specificity).ThenByDescending(p => p.KeepDays))
        {
            var conditions = new List<string>();
            if (policy.Application is { } application) conditions.Add($"application = {Parameter(application)}");
            if (policy.Category is { } category) conditions.Add($"category = {Parameter(category)}");
            if (policy.Level is { } level) conditions.Add($"level = {Parameter(level)}");
            keep.Append($" WHEN {(conditions.Count == 0 ? "true" : string.Join(" AND ", conditions))} THEN {Parameter(policy.KeepDays)}::int");
        }
        keep.Append(policies.Count == 0 ? $"{Parameter(options.Value.DefaultDays)}::int" : $" ELSE {Parameter(options.Value.DefaultDays)}::int END");
        var shortest = policies.Select(p => p.KeepDays).Append(options.Value.DefaultDays).Min();
        var nowParameter = Parameter(now);
        command.CommandText = $"""
            DELETE FROM audit.events WHERE (occurred_at, id) IN (
                SELECT occurred_at, id FROM audit.events
                WHERE occurred_at < {nowParameter} - make_interval(days => {Parameter(shortest)})
                  AND occurred_at < {nowParameter} - make_interval(days => {keep})
                LIMIT {options.Value.DeleteBatch})
            """;
        long deleted = 0;
        int batch;
        do
        {
            batch = await command.ExecuteNonQueryAsync(cancellationToken);
            deleted += batch;
        }
        while (batch > 0);
        return deleted;
    }
}
