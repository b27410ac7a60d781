using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace Vmdq.Cli;

/// <summary>
/// <c>--format json</c>: an array of <c>{file, line, column, endLine, endColumn, id, severity, message, helpUri}</c>,
/// written with <see cref="Utf8JsonWriter"/> (no reflection, so the tool stays trimming-friendly).
/// </summary>
internal static class JsonReport
{
    /// <summary>Writes <paramref name="diagnostics"/> to <paramref name="output"/>.</summary>
    public static void Write(IReadOnlyList<ReportedDiagnostic> diagnostics, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var d in diagnostics)
            {
                json.WriteStartObject();
                json.WriteString("file", d.File);
                json.WriteNumber("line", d.Diagnostic.Span.Line);
                json.WriteNumber("column", d.Diagnostic.Span.Column);
                json.WriteNumber("endLine", d.EndLine);
                json.WriteNumber("endColumn", d.EndColumn);
                json.WriteString("id", d.Diagnostic.Id);
                json.WriteString("severity", ReportedDiagnostic.SeverityName(d.Severity));
                json.WriteString("message", d.Diagnostic.Message);
                json.WriteString("helpUri", HelpLinks.For(d.Diagnostic.Id));
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
