using System.Text.RegularExpressions;
using NUnit.Framework;
using Shouldly;
using Verify.Cli.Report;
using Verify.Model.Protocols;

namespace Verify.Properties.Claims;

/// <summary>
/// Every claim the suite judges (<see cref="ClaimCatalog"/>) is in the report's claims.json and is
/// judged by at least one test (a test method marked with <c>JudgesAttribute</c> and the claim id, in tests/Properties or
/// tests/Experiments), and every such mark names a claim of the catalog.
/// </summary>
[TestFixture]
public sealed class ClaimCatalogTest
{
    [Test]
    public void ClaimsJson_HasOneObjectPerClaim()
    {
        var json = ClaimsJson.Build([], runSeed: 1, runId: "0000000000000000");
        json.Select(o => o.Id).ShouldBe(ClaimCatalog.All.Select(c => c.Id));
        json.ShouldAllBe(o => o.Outcome == "inconclusive", "a claim that was not run is inconclusive, not missing");
    }

    [Test]
    public void TheTheoremChecks_JudgeEveryTheoremClaimOfTheCatalog()
    {
        var theorems = ClaimCatalog.Entries.Where(e => e.Experiment == "theorems").Select(e => e.Claim.Id);
        ClaimRuns.Fresh.Outcomes.Select(o => o.Claim.Id).ShouldBe(theorems, ignoreOrder: true);
    }

    [Test]
    public void EveryClaim_IsJudgedByATest()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Verify.sln"))) root = root.Parent;
        root.ShouldNotBeNull("the repository root (Verify.sln) above the test binaries");
        var marks = Directory.EnumerateFiles(Path.Combine(root.FullName, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"Judges\(""([^""]+)""\)").Select(m => m.Groups[1].Value))
            .ToHashSet();
        var ids = ClaimCatalog.All.Select(c => c.Id).ToArray();
        ids.Where(id => !marks.Contains(id)).ShouldBeEmpty("claims no test judges");
        marks.Where(m => !ids.Contains(m)).ShouldBeEmpty("test marks that name no claim");
    }
}
