namespace Verify.Model.Hunt;

/// <summary>
/// A seed stream of a hunt: every random choice of its cases is drawn by name from <see cref="Seed"/>
/// (<c>Seeds.Of(Seed, "hunt.random", i)</c>, ...), and its cases are numbered 0, 1, 2, ... in the
/// database under <see cref="Name"/>. A hunt run alone is the stream "main" of the hunt seed; task
/// I of a hunt run as T tasks is "task-I", with its own seed drawn by name from the hunt seed.
/// </summary>
public sealed record HuntStream(string Name, long Seed)
{
    public const string MainName = "main";

    public static HuntStream Main(long huntSeed) => new(MainName, huntSeed);

    public static HuntStream Task(long huntSeed, int task) =>
        task >= 0 ? new($"task-{task}", Runtime.Seeds.Of(huntSeed, "hunt-task", task)) : throw new ArgumentOutOfRangeException(nameof(task), task, "A task index is >= 0.");
}
