//! `Content-Language` and `Vary: Accept-Language` on every response: the language of the text
//! a response carries (problem titles and details, field messages) follows `Accept-Language`,
//! so caches must key on it and clients can see which language they got.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderValue, CONTENT_LANGUAGE, VARY};
use actix_web::middleware::Next;

use crate::i18n::Lang;

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let lang = Lang::from_headers(req.headers());
    match next.call(req).await {
        Ok(res) => {
            let mut res = res.map_into_boxed_body();
            label(res.headers_mut(), lang);
            Ok(res)
        }
        // an error no inner layer turned into a response: labelled when actix renders it
        Err(mut e) => {
            e.add_response_mapper(move |mut res| {
                label(res.headers_mut(), lang);
                res
            });
            Err(e)
        }
    }
}

/// Sets `Content-Language` and adds `Accept-Language` to `Vary`, keeping what other layers
/// (CORS, compression) put there, as one header.
pub fn label(headers: &mut HeaderMap, lang: Lang) {
    let tag = match lang {
        Lang::En => "en",
        Lang::Vi => "vi",
    };
    headers.insert(CONTENT_LANGUAGE, HeaderValue::from_static(tag));
    let mut vary: Vec<String> = headers
        .get_all(VARY)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect();
    if vary.iter().any(|v| v == "*") {
        return;
    }
    if !vary
        .iter()
        .any(|v| v.eq_ignore_ascii_case("accept-language"))
    {
        vary.push("Accept-Language".to_owned());
    }
    if let Ok(value) = HeaderValue::from_str(&vary.join(", ")) {
        headers.insert(VARY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_vary_said_and_adds_the_language_once() {
        let mut h = HeaderMap::new();
        h.append(
            VARY,
            HeaderValue::from_static("Origin, Access-Control-Request-Method"),
        );
        h.append(VARY, HeaderValue::from_static("accept-encoding"));
        label(&mut h, Lang::Vi);
        assert_eq!(h.get(CONTENT_LANGUAGE).unwrap(), "vi");
        assert_eq!(
            h.get(VARY).unwrap(),
            "Origin, Access-Control-Request-Method, accept-encoding, Accept-Language"
        );
        assert_eq!(h.get_all(VARY).count(), 1);
        label(&mut h, Lang::En);
        assert_eq!(h.get(CONTENT_LANGUAGE).unwrap(), "en");
        assert_eq!(h.get_all(VARY).count(), 1);
        assert_eq!(
            h.get(VARY)
                .unwrap()
                .to_str()
                .unwrap()
                .matches("Accept-Language")
                .count(),
            1
        );
    }
}
