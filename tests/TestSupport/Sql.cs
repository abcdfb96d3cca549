using Npgsql;

namespace Fleet.Testing;

/// <summary>SQL behind a service's back, for tests that look at or change what it stored.</summary>
public static class Sql
{
    /// <summary>The first column of the first row of <paramref name="sql"/>, its <c>$1</c>, <c>$2</c>... being <paramref name="parameters"/>.</summary>
    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return (T?)await command.ExecuteScalarAsync();
    }
}
