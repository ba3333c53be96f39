import Hummingbird
import NIOCore

/// Serves the assembled Studio pages (`StudioPages`) for `GET` and `HEAD` of `/` and
/// `/NAME.html`, in any spelling the access policy normalises to them, so a page's file is
/// never sent without its shared head. Everything else goes on to the file middleware.
struct StudioPageMiddleware: RouterMiddleware {
    typealias Context = BatonRequestContext
    let pages: StudioPages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head,
              let segments = AccessPolicy.normalisedPath(request.uri.path), segments.count <= 1 else {
            return try await next(request, context)
        }
        let name = segments.first ?? "index.html"
        let page: ByteBuffer?
        do throws(StudioPageError) { page = try pages.page(named: name) } catch {
            // Only while editing a --studio folder: a page changed on disk and lost its marker.
            return JSONResponse.error(error.description, status: .internalServerError).response
        }
        guard let page else { return try await next(request, context) }
        let headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache", .contentLength: String(page.readableBytes)]
        return Response(status: .ok, headers: headers, body: request.method == .head ? .init() : .init(byteBuffer: page))
    }
}
