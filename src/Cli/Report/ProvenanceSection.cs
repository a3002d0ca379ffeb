using System.Globalization;
using System.Text;
using Verify.Model.Runtime;

namespace Verify.Cli.Report;

/// <summary>report.md's provenance block: where its numbers came from, the same fields as claims.json's and every Parquet file's.</summary>
static class ProvenanceSection
{
    public static string Markdown(Provenance p, string runId)
    {
        var text = new StringBuilder();
        text.AppendLine("## Provenance").AppendLine();
        text.AppendLine("The same fields are in claims.json (`provenance`) and in the key-value metadata of every Parquet file (`verify.<field>`); docs/outputs.md describes the files.").AppendLine();
        text.AppendLine("| field | value |").AppendLine("|---|---|");
        void Row(string field, string? value) => text.AppendLine(CultureInfo.InvariantCulture, $"| {field} | {(value is null ? "none" : "`" + value.Replace("|", "\\|", StringComparison.Ordinal) + "`")} |");
        Row("run_id (this reproduction)", runId);
        Row("commit", p.Commit);
        Row("dirty (uncommitted changes at build)", p.Dirty?.ToString().ToLowerInvariant() ?? "unknown");
        Row("TorchSharp", p.TorchsharpVersion);
        Row("libtorch", p.LibtorchVersion);
        Row("device", p.Device);
        Row("BLAS path", p.BlasPath);
        Row("VERIFY_DIRECT_BLAS", p.DirectBlasSwitch);
        Row("CPU", p.CpuModel);
        Row("run seed", p.RunSeed?.ToString(CultureInfo.InvariantCulture));
        Row("rules", p.RulesVersion is null ? null : $"{p.RulesVersion} ({p.RulesHash})");
        return text.ToString();
    }
}
