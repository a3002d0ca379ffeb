using System.Text;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Hunt;
using Verify.Model.Protocols;

namespace Verify.Properties.Hunt;

/// <summary>
/// A hunt's database survives what long runs meet: a run cancelled after k cases, a write torn by a kill, a
/// second process on the same folder, lines of another hunt; a resumed hunt repeats nothing and loses nothing,
/// and ends with the very cases an uninterrupted hunt has. Hunts run as tasks merge into one database, each
/// line once however often the merge runs. Judged on the planted claim (<see cref="PlantedClaim"/>, no training).
/// </summary>
[TestFixture]
public sealed class HuntDatabaseTest
{
    /// <summary>A level at which the planted claim fails often, so that failures are shrunk (and shrinks interrupted) too.</summary>
    const double Often = 0.3;

    const long Seed = 17;

    /// <summary>Another hunt's seed, from a named stream of <see cref="Seed"/>.</summary>
    static readonly long OtherSeed = Verify.Model.Runtime.Seeds.Of(Seed, "another-hunt");
    readonly List<string> folders = [];

    [TearDown]
    public void RemoveFolders()
    {
        foreach (var f in folders) Directory.Delete(f, recursive: true);
        folders.Clear();
    }

    string NewFolder()
    {
        var dir = Directory.CreateTempSubdirectory("verify-hunt-").FullName;
        folders.Add(dir);
        return dir;
    }

    static HuntSettings Settings => new() { Workers = 2 };

    static void Hunt(string dir, int cases, CancellationToken cancel = default, Action<HuntRecord>? onRecord = null, HuntStream? stream = null)
    {
        using var db = HuntDatabase.Open(dir);
        db.Bind(PlantedClaim.Identity(Seed));
        HuntRunner.Run(PlantedClaim.Target(Often), stream ?? HuntStream.Main(Seed), new HuntBudget(null, cases), db, Settings, cancel, onRecord);
    }

    static HuntRecord[] Read(string dir)
    {
        using var db = HuntDatabase.Open(dir);
        return db.Records.ToArray();
    }

    /// <summary>What must be equal however the hunt was run: every line but its timings.</summary>
    static string[] Content(IEnumerable<HuntRecord> records) =>
        records.Select(r => $"{r.Key} {r.Origin} {r.Parent} {r.Verdict} {r.Margin:R}").Order(StringComparer.Ordinal).ToArray();

    [Test]
    public void AHuntCancelledAfterKCases_AndTornByAKill_Resumes_WithNothingLostAndNothingDuplicated()
    {
        var whole = NewFolder();
        Hunt(whole, 40);
        var expected = Read(whole);
        expected.Count(r => r.IsSearch).ShouldBe(40);
        expected.Count(r => !r.IsSearch).ShouldBeGreaterThan(0, "the planted claim fails often at this level: failures were shrunk");

        var interrupted = NewFolder();
        using (var stop = new CancellationTokenSource())
        {
            var seen = 0;
            Hunt(interrupted, 40, stop.Token, _ => { if (Interlocked.Increment(ref seen) == 13) stop.Cancel(); });
        }
        var partial = Read(interrupted);
        partial.Length.ShouldBeInRange(13, 14, "cancelled after 13 lines (the case being judged beside it is written too)");
        // A kill in the middle of a write leaves half a line without its newline.
        var torn = Encoding.UTF8.GetBytes(File.ReadAllLines(Path.Combine(whole, HuntDatabase.CasesFile))[20][..60]);
        using (var file = new FileStream(Path.Combine(interrupted, HuntDatabase.CasesFile), FileMode.Append)) file.Write(torn);

        using (var reopened = HuntDatabase.Open(interrupted))
        {
            reopened.Repaired.ShouldNotBeNull().ShouldContain("torn last line of 60 bytes");
            reopened.Records.Count.ShouldBe(partial.Length, "the torn line is dropped, every whole line kept");
        }
        Hunt(interrupted, 40);

        var resumed = Read(interrupted);
        resumed.Select(r => r.Key).ShouldBeUnique("nothing judged twice");
        resumed.Take(partial.Length).Select(r => r.Key).ShouldBe(partial.Select(r => r.Key), "the lines written before the interruption are kept as they were");
        Content(resumed).ShouldBe(Content(expected), "the resumed hunt holds the cases, verdicts and shrinks of the uninterrupted one");
    }

    [Test]
    public void ARaisedCaseBudget_GoesOnFromTheCasesThere()
    {
        var dir = NewFolder();
        Hunt(dir, 16);
        var first = Read(dir);
        Hunt(dir, 16);
        Read(dir).Length.ShouldBe(first.Length, "the same budget again: nothing to do");
        Hunt(dir, 24);
        var more = Read(dir);
        more.Count(r => r.IsSearch).ShouldBe(24);
        more.Take(first.Length).Select(r => r.Key).ShouldBe(first.Select(r => r.Key));
    }

    [Test]
    public void ASecondProcessOnTheSameFolder_IsRefused_WhileTheFirstHoldsIt()
    {
        var dir = NewFolder();
        using var first = HuntDatabase.Open(dir);
        Should.Throw<IOException>(() => HuntDatabase.Open(dir)).Message.ShouldContain("in use by another hunt");
    }

    [Test]
    public void ADatabaseOfAnotherHunt_IsRefused_NamingBoth()
    {
        var dir = NewFolder();
        Hunt(dir, 8);
        using var db = HuntDatabase.Open(dir);
        var other = PlantedClaim.Identity(OtherSeed);
        var error = Should.Throw<InvalidDataException>(() => db.Bind(other));
        error.Message.ShouldContain($"seed {Seed}");
        error.Message.ShouldContain($"seed {OtherSeed}");
    }

    [TestCase("{\"claim\": 1}\n", "line 1 is not a hunt case")]
    [TestCase("not json at all\n", "line 1 is not a hunt case")]
    public void ADamagedLine_IsRefused_WithItsNumber(string content, string mention)
    {
        var dir = NewFolder();
        Hunt(dir, 8);
        var path = Path.Combine(dir, HuntDatabase.CasesFile);
        File.WriteAllText(path, content + File.ReadAllText(path));
        Should.Throw<InvalidDataException>(() => HuntDatabase.Open(dir)).Message.ShouldContain(mention);
    }

    [Test]
    public void AHuntRunAsTasks_MergesIntoOneDatabase_EachLineOnce()
    {
        var dir = NewFolder();
        var budget = HuntBudget.Parse("30");
        const int tasks = 3;
        for (var t = 0; t < tasks; t++)
        {
            var slice = budget.Slice(t, tasks);
            using var db = HuntDatabase.Open(HuntDatabase.TaskFolder(dir, t));
            db.Bind(PlantedClaim.Identity(Seed));
            HuntRunner.Run(PlantedClaim.Target(Often), HuntStream.Task(Seed, t), slice, db, Settings);
        }
        var inTasks = Enumerable.Range(0, tasks).SelectMany(t => Read(HuntDatabase.TaskFolder(dir, t))).ToArray();

        using (var main = HuntDatabase.Open(dir))
        {
            var merged = main.Merge();
            merged.Added.ShouldBe(inTasks.Length);
            main.Records.Count.ShouldBe(inTasks.Length);
            main.Merge().Added.ShouldBe(0, "merging again adds nothing");
        }
        var all = Read(dir);
        Content(all).ShouldBe(Content(inTasks), "every task's line, once");
        all.Where(r => r.IsSearch).GroupBy(r => r.Stream).Select(g => (g.Key, g.Count())).OrderBy(x => x.Key)
            .ShouldBe([("task-0", 10), ("task-1", 10), ("task-2", 10)]);
        var summary = HuntSummary.Of(PlantedClaim.Identity(Seed), all);
        summary.Tried.ShouldBe(30);
        summary.FailureRateUpper95.ShouldBe(Statistics.ClopperPearson(summary.Fails, summary.Conclusive).High, "one bound over every conclusive case of every task");
    }

    [Test]
    public void TasksTakeSlicesOfTheBudget_AndStreamsOfTheirOwn()
    {
        HuntBudget.Parse("10").Slice(0, 3).Cases.ShouldBe(4);
        Enumerable.Range(0, 3).Select(t => HuntBudget.Parse("10").Slice(t, 3).Cases!.Value).ShouldBe([4, 3, 3]);
        HuntBudget.Parse("60m").Slice(2, 4).Time.ShouldBe(TimeSpan.FromMinutes(15));
        var streams = Enumerable.Range(0, 50).Select(t => HuntStream.Task(Seed, t)).Append(HuntStream.Main(Seed)).ToArray();
        streams.Select(s => s.Seed).ShouldBeUnique();
        streams.Select(s => s.Name).ShouldBeUnique();
        HuntStream.Task(Seed, 0).Seed.ShouldNotBe(HuntStream.Task(OtherSeed, 0).Seed, "another hunt seed, other task streams");
    }

    [TestCase("10m", 600, null)]
    [TestCase("90s", 90, null)]
    [TestCase("1.5h", 5400, null)]
    [TestCase("200", null, 200)]
    public void ABudget_IsATimeOrACaseCount(string text, double? seconds, int? cases)
    {
        var b = HuntBudget.Parse(text);
        b.Time?.TotalSeconds.ShouldBe(seconds!.Value);
        b.Cases.ShouldBe(cases);
    }

    [TestCase("")]
    [TestCase("0")]
    [TestCase("-5")]
    [TestCase("10x")]
    [TestCase("m")]
    [TestCase("1e3")]
    public void AMalformedBudget_IsRefused(string text) => Should.Throw<FormatException>(() => HuntBudget.Parse(text));

    [Test]
    public void ACase_ReadsBackFromItsText()
    {
        var c = new HuntCase("sgd", new SmallProblem(4, [3, 2], 0.1, 1.25, 3, 117, 1682617696284020778, SmallData.TeacherAware, 5, 16));
        var back = HuntCase.Parse(c.ToString());
        back.Key.ShouldBe(c.Key);
        back.Problem.Widths.ShouldBe([3, 2]);
        back.Problem.Batch.ShouldBe(16);
        Should.Throw<FormatException>(() => HuntCase.Parse(c.ToString().Replace("multi=3,", "", StringComparison.Ordinal))).Message.ShouldContain("'multi' is missing");
        Should.Throw<FormatException>(() => HuntCase.Parse(c.ToString() + ",colour=red")).Message.ShouldContain("unknown field 'colour'");
    }
}
