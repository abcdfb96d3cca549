namespace Fleet.AppHost.Hosting.Runners;

internal static class RunnerFactory
{
    public static IReadOnlyDictionary<Resource, IReadOnlyList<ResourceRunner>> CreateAll(IReadOnlyList<Resource> resources, RunContext context) =>
        resources.ToDictionary(r => r, r => Create(r, context));

    private static IReadOnlyList<ResourceRunner> Create(Resource resource, RunContext context) => resource switch
    {
        PostgresServerResource postgres => [new PostgresRunner(postgres, context)],
        PostgresDatabaseResource database => [new DatabaseRunner(database, context)],
        RabbitMQServerResource rabbitmq => [new RabbitMQRunner(rabbitmq, context)],
        RedisResource redis => [new RedisRunner(redis, context)],
        ProjectResource project => Enumerable.Range(0, project.Replicas).Select(i => (ResourceRunner)new ProjectRunner(project, i, context)).ToList(),
        ExecutableResource executable => [new ExecutableRunner(executable, context)],
        ParameterResource => [],
        _ => throw new NotSupportedException($"No runner for resources of type {resource.GetType().Name}."),
    };
}
