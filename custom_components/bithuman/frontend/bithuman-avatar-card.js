var qe=Object.create;var mt=Object.defineProperty;var Ge=Object.getOwnPropertyDescriptor;var Wt=(i,t)=>(t=Symbol[i])?t:Symbol.for("Symbol."+i),O=i=>{throw TypeError(i)};var Bt=(i,t,e)=>t in i?mt(i,t,{enumerable:!0,configurable:!0,writable:!0,value:e}):i[t]=e;var Vt=(i,t)=>mt(i,"name",{value:t,configurable:!0});var tt=i=>[,,,qe(i?.[Wt("metadata")]??null)],Jt=["class","method","getter","setter","accessor","field","value","get","set"],j=i=>i!==void 0&&typeof i!="function"?O("Function expected"):i,Ve=(i,t,e,s,r)=>({kind:Jt[i],name:t,metadata:s,addInitializer:n=>e._?O("Already initialized"):r.push(j(n||null))}),q=(i,t)=>Bt(t,Wt("metadata"),i[3]),u=(i,t,e,s)=>{for(var r=0,n=i[t>>1],o=n&&n.length;r<o;r++)t&1?n[r].call(e):s=n[r].call(e,s);return s},b=(i,t,e,s,r,n)=>{var o,c,d,p,m,a=t&7,v=!!(t&8),g=!!(t&16),k=a>3?i.length+1:a?v?1:2:0,qt=Jt[a+5],Gt=a>3&&(i[k-1]=[]),je=i[k]||(i[k]=[]),x=a&&(!g&&!v&&(r=r.prototype),a<5&&(a>3||!g)&&Ge(a<4?r:{get[e](){return Ft(this,n)},set[e](_){return Kt(this,n,_)}},e));a?g&&a<4&&Vt(n,(a>2?"set ":a>1?"get ":"")+e):Vt(r,e);for(var ut=s.length-1;ut>=0;ut--)p=Ve(a,e,d={},i[3],je),a&&(p.static=v,p.private=g,m=p.access={has:g?_=>Fe(r,_):_=>e in _},a^3&&(m.get=g?_=>(a^1?Ft:Ke)(_,r,a^4?n:x.get):_=>_[e]),a>2&&(m.set=g?(_,ft)=>Kt(_,r,ft,a^4?n:x.set):(_,ft)=>_[e]=ft)),c=(0,s[ut])(a?a<4?g?n:x[qt]:a>4?void 0:{get:x.get,set:x.set}:r,p),d._=1,a^4||c===void 0?j(c)&&(a>4?Gt.unshift(c):a?g?n=c:x[qt]=c:r=c):typeof c!="object"||c===null?O("Object expected"):(j(o=c.get)&&(x.get=o),j(o=c.set)&&(x.set=o),j(o=c.init)&&Gt.unshift(o));return a||q(i,r),x&&mt(r,e,x),g?a^4?n:x:r},H=(i,t,e)=>Bt(i,typeof t!="symbol"?t+"":t,e),gt=(i,t,e)=>t.has(i)||O("Cannot "+e),Fe=(i,t)=>Object(t)!==t?O('Cannot use the "in" operator on this value'):i.has(t),Ft=(i,t,e)=>(gt(i,t,"read from private field"),e?e.call(i):t.get(i)),$=(i,t,e)=>t.has(i)?O("Cannot add the same private member more than once"):t instanceof WeakSet?t.add(i):t.set(i,e),Kt=(i,t,e,s)=>(gt(i,t,"write to private field"),s?s.call(i,e):t.set(i,e),e),Ke=(i,t,e)=>(gt(i,t,"access private method"),e);var et=globalThis,st=et.ShadowRoot&&(et.ShadyCSS===void 0||et.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,yt=Symbol(),Xt=new WeakMap,G=class{constructor(t,e,s){if(this._$cssResult$=!0,s!==yt)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=t,this.t=e}get styleSheet(){let t=this.o,e=this.t;if(st&&t===void 0){let s=e!==void 0&&e.length===1;s&&(t=Xt.get(e)),t===void 0&&((this.o=t=new CSSStyleSheet).replaceSync(this.cssText),s&&Xt.set(e,t))}return t}toString(){return this.cssText}},Yt=i=>new G(typeof i=="string"?i:i+"",void 0,yt),V=(i,...t)=>{let e=i.length===1?i[0]:t.reduce((s,r,n)=>s+(o=>{if(o._$cssResult$===!0)return o.cssText;if(typeof o=="number")return o;throw Error("Value passed to 'css' function must be a 'css' function result: "+o+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(r)+i[n+1],i[0]);return new G(e,i,yt)},Zt=(i,t)=>{if(st)i.adoptedStyleSheets=t.map(e=>e instanceof CSSStyleSheet?e:e.styleSheet);else for(let e of t){let s=document.createElement("style"),r=et.litNonce;r!==void 0&&s.setAttribute("nonce",r),s.textContent=e.cssText,i.appendChild(s)}},vt=st?i=>i:i=>i instanceof CSSStyleSheet?(t=>{let e="";for(let s of t.cssRules)e+=s.cssText;return Yt(e)})(i):i;var{is:We,defineProperty:Be,getOwnPropertyDescriptor:Je,getOwnPropertyNames:Xe,getOwnPropertySymbols:Ye,getPrototypeOf:Ze}=Object,it=globalThis,Qt=it.trustedTypes,Qe=Qt?Qt.emptyScript:"",ts=it.reactiveElementPolyfillSupport,F=(i,t)=>i,K={toAttribute(i,t){switch(t){case Boolean:i=i?Qe:null;break;case Object:case Array:i=i==null?i:JSON.stringify(i)}return i},fromAttribute(i,t){let e=i;switch(t){case Boolean:e=i!==null;break;case Number:e=i===null?null:Number(i);break;case Object:case Array:try{e=JSON.parse(i)}catch{e=null}}return e}},rt=(i,t)=>!We(i,t),te={attribute:!0,type:String,converter:K,reflect:!1,useDefault:!1,hasChanged:rt};Symbol.metadata??=Symbol("metadata"),it.litPropertyMetadata??=new WeakMap;var w=class extends HTMLElement{static addInitializer(t){this._$Ei(),(this.l??=[]).push(t)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(t,e=te){if(e.state&&(e.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(t)&&((e=Object.create(e)).wrapped=!0),this.elementProperties.set(t,e),!e.noAccessor){let s=Symbol(),r=this.getPropertyDescriptor(t,s,e);r!==void 0&&Be(this.prototype,t,r)}}static getPropertyDescriptor(t,e,s){let{get:r,set:n}=Je(this.prototype,t)??{get(){return this[e]},set(o){this[e]=o}};return{get:r,set(o){let c=r?.call(this);n?.call(this,o),this.requestUpdate(t,c,s)},configurable:!0,enumerable:!0}}static getPropertyOptions(t){return this.elementProperties.get(t)??te}static _$Ei(){if(this.hasOwnProperty(F("elementProperties")))return;let t=Ze(this);t.finalize(),t.l!==void 0&&(this.l=[...t.l]),this.elementProperties=new Map(t.elementProperties)}static finalize(){if(this.hasOwnProperty(F("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(F("properties"))){let e=this.properties,s=[...Xe(e),...Ye(e)];for(let r of s)this.createProperty(r,e[r])}let t=this[Symbol.metadata];if(t!==null){let e=litPropertyMetadata.get(t);if(e!==void 0)for(let[s,r]of e)this.elementProperties.set(s,r)}this._$Eh=new Map;for(let[e,s]of this.elementProperties){let r=this._$Eu(e,s);r!==void 0&&this._$Eh.set(r,e)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(t){let e=[];if(Array.isArray(t)){let s=new Set(t.flat(1/0).reverse());for(let r of s)e.unshift(vt(r))}else t!==void 0&&e.push(vt(t));return e}static _$Eu(t,e){let s=e.attribute;return s===!1?void 0:typeof s=="string"?s:typeof t=="string"?t.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(t=>this.enableUpdating=t),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(t=>t(this))}addController(t){(this._$EO??=new Set).add(t),this.renderRoot!==void 0&&this.isConnected&&t.hostConnected?.()}removeController(t){this._$EO?.delete(t)}_$E_(){let t=new Map,e=this.constructor.elementProperties;for(let s of e.keys())this.hasOwnProperty(s)&&(t.set(s,this[s]),delete this[s]);t.size>0&&(this._$Ep=t)}createRenderRoot(){let t=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return Zt(t,this.constructor.elementStyles),t}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(t=>t.hostConnected?.())}enableUpdating(t){}disconnectedCallback(){this._$EO?.forEach(t=>t.hostDisconnected?.())}attributeChangedCallback(t,e,s){this._$AK(t,s)}_$ET(t,e){let s=this.constructor.elementProperties.get(t),r=this.constructor._$Eu(t,s);if(r!==void 0&&s.reflect===!0){let n=(s.converter?.toAttribute!==void 0?s.converter:K).toAttribute(e,s.type);this._$Em=t,n==null?this.removeAttribute(r):this.setAttribute(r,n),this._$Em=null}}_$AK(t,e){let s=this.constructor,r=s._$Eh.get(t);if(r!==void 0&&this._$Em!==r){let n=s.getPropertyOptions(r),o=typeof n.converter=="function"?{fromAttribute:n.converter}:n.converter?.fromAttribute!==void 0?n.converter:K;this._$Em=r;let c=o.fromAttribute(e,n.type);this[r]=c??this._$Ej?.get(r)??c,this._$Em=null}}requestUpdate(t,e,s,r=!1,n){if(t!==void 0){let o=this.constructor;if(r===!1&&(n=this[t]),s??=o.getPropertyOptions(t),!((s.hasChanged??rt)(n,e)||s.useDefault&&s.reflect&&n===this._$Ej?.get(t)&&!this.hasAttribute(o._$Eu(t,s))))return;this.C(t,e,s)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(t,e,{useDefault:s,reflect:r,wrapped:n},o){s&&!(this._$Ej??=new Map).has(t)&&(this._$Ej.set(t,o??e??this[t]),n!==!0||o!==void 0)||(this._$AL.has(t)||(this.hasUpdated||s||(e=void 0),this._$AL.set(t,e)),r===!0&&this._$Em!==t&&(this._$Eq??=new Set).add(t))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(e){Promise.reject(e)}let t=this.scheduleUpdate();return t!=null&&await t,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[r,n]of this._$Ep)this[r]=n;this._$Ep=void 0}let s=this.constructor.elementProperties;if(s.size>0)for(let[r,n]of s){let{wrapped:o}=n,c=this[r];o!==!0||this._$AL.has(r)||c===void 0||this.C(r,void 0,n,c)}}let t=!1,e=this._$AL;try{t=this.shouldUpdate(e),t?(this.willUpdate(e),this._$EO?.forEach(s=>s.hostUpdate?.()),this.update(e)):this._$EM()}catch(s){throw t=!1,this._$EM(),s}t&&this._$AE(e)}willUpdate(t){}_$AE(t){this._$EO?.forEach(e=>e.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(t)),this.updated(t)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(t){return!0}update(t){this._$Eq&&=this._$Eq.forEach(e=>this._$ET(e,this[e])),this._$EM()}updated(t){}firstUpdated(t){}};w.elementStyles=[],w.shadowRootOptions={mode:"open"},w[F("elementProperties")]=new Map,w[F("finalized")]=new Map,ts?.({ReactiveElement:w}),(it.reactiveElementVersions??=[]).push("2.1.2");var wt=globalThis,ee=i=>i,nt=wt.trustedTypes,se=nt?nt.createPolicy("lit-html",{createHTML:i=>i}):void 0,ce="$lit$",E=`lit$${Math.random().toFixed(9).slice(2)}$`,de="?"+E,es=`<${de}>`,R=document,B=()=>R.createComment(""),J=i=>i===null||typeof i!="object"&&typeof i!="function",kt=Array.isArray,ss=i=>kt(i)||typeof i?.[Symbol.iterator]=="function",_t=`[ 	
\f\r]`,W=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,ie=/-->/g,re=/>/g,T=RegExp(`>|${_t}(?:([^\\s"'>=/]+)(${_t}*=${_t}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),ne=/'/g,oe=/"/g,le=/^(?:script|style|textarea|title)$/i,Et=i=>(t,...e)=>({_$litType$:i,strings:t,values:e}),f=Et(1),$s=Et(2),xs=Et(3),U=Symbol.for("lit-noChange"),l=Symbol.for("lit-nothing"),ae=new WeakMap,P=R.createTreeWalker(R,129);function he(i,t){if(!kt(i)||!i.hasOwnProperty("raw"))throw Error("invalid template strings array");return se!==void 0?se.createHTML(t):t}var is=(i,t)=>{let e=i.length-1,s=[],r,n=t===2?"<svg>":t===3?"<math>":"",o=W;for(let c=0;c<e;c++){let d=i[c],p,m,a=-1,v=0;for(;v<d.length&&(o.lastIndex=v,m=o.exec(d),m!==null);)v=o.lastIndex,o===W?m[1]==="!--"?o=ie:m[1]!==void 0?o=re:m[2]!==void 0?(le.test(m[2])&&(r=RegExp("</"+m[2],"g")),o=T):m[3]!==void 0&&(o=T):o===T?m[0]===">"?(o=r??W,a=-1):m[1]===void 0?a=-2:(a=o.lastIndex-m[2].length,p=m[1],o=m[3]===void 0?T:m[3]==='"'?oe:ne):o===oe||o===ne?o=T:o===ie||o===re?o=W:(o=T,r=void 0);let g=o===T&&i[c+1].startsWith("/>")?" ":"";n+=o===W?d+es:a>=0?(s.push(p),d.slice(0,a)+ce+d.slice(a)+E+g):d+E+(a===-2?c:g)}return[he(i,n+(i[e]||"<?>")+(t===2?"</svg>":t===3?"</math>":"")),s]},X=class i{constructor({strings:t,_$litType$:e},s){let r;this.parts=[];let n=0,o=0,c=t.length-1,d=this.parts,[p,m]=is(t,e);if(this.el=i.createElement(p,s),P.currentNode=this.el.content,e===2||e===3){let a=this.el.content.firstChild;a.replaceWith(...a.childNodes)}for(;(r=P.nextNode())!==null&&d.length<c;){if(r.nodeType===1){if(r.hasAttributes())for(let a of r.getAttributeNames())if(a.endsWith(ce)){let v=m[o++],g=r.getAttribute(a).split(E),k=/([.?@])?(.*)/.exec(v);d.push({type:1,index:n,name:k[2],strings:g,ctor:k[1]==="."?$t:k[1]==="?"?xt:k[1]==="@"?At:z}),r.removeAttribute(a)}else a.startsWith(E)&&(d.push({type:6,index:n}),r.removeAttribute(a));if(le.test(r.tagName)){let a=r.textContent.split(E),v=a.length-1;if(v>0){r.textContent=nt?nt.emptyScript:"";for(let g=0;g<v;g++)r.append(a[g],B()),P.nextNode(),d.push({type:2,index:++n});r.append(a[v],B())}}}else if(r.nodeType===8)if(r.data===de)d.push({type:2,index:n});else{let a=-1;for(;(a=r.data.indexOf(E,a+1))!==-1;)d.push({type:7,index:n}),a+=E.length-1}n++}}static createElement(t,e){let s=R.createElement("template");return s.innerHTML=t,s}};function L(i,t,e=i,s){if(t===U)return t;let r=s!==void 0?e._$Co?.[s]:e._$Cl,n=J(t)?void 0:t._$litDirective$;return r?.constructor!==n&&(r?._$AO?.(!1),n===void 0?r=void 0:(r=new n(i),r._$AT(i,e,s)),s!==void 0?(e._$Co??=[])[s]=r:e._$Cl=r),r!==void 0&&(t=L(i,r._$AS(i,t.values),r,s)),t}var bt=class{constructor(t,e){this._$AV=[],this._$AN=void 0,this._$AD=t,this._$AM=e}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(t){let{el:{content:e},parts:s}=this._$AD,r=(t?.creationScope??R).importNode(e,!0);P.currentNode=r;let n=P.nextNode(),o=0,c=0,d=s[0];for(;d!==void 0;){if(o===d.index){let p;d.type===2?p=new Y(n,n.nextSibling,this,t):d.type===1?p=new d.ctor(n,d.name,d.strings,this,t):d.type===6&&(p=new St(n,this,t)),this._$AV.push(p),d=s[++c]}o!==d?.index&&(n=P.nextNode(),o++)}return P.currentNode=R,r}p(t){let e=0;for(let s of this._$AV)s!==void 0&&(s.strings!==void 0?(s._$AI(t,s,e),e+=s.strings.length-2):s._$AI(t[e])),e++}},Y=class i{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(t,e,s,r){this.type=2,this._$AH=l,this._$AN=void 0,this._$AA=t,this._$AB=e,this._$AM=s,this.options=r,this._$Cv=r?.isConnected??!0}get parentNode(){let t=this._$AA.parentNode,e=this._$AM;return e!==void 0&&t?.nodeType===11&&(t=e.parentNode),t}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(t,e=this){t=L(this,t,e),J(t)?t===l||t==null||t===""?(this._$AH!==l&&this._$AR(),this._$AH=l):t!==this._$AH&&t!==U&&this._(t):t._$litType$!==void 0?this.$(t):t.nodeType!==void 0?this.T(t):ss(t)?this.k(t):this._(t)}O(t){return this._$AA.parentNode.insertBefore(t,this._$AB)}T(t){this._$AH!==t&&(this._$AR(),this._$AH=this.O(t))}_(t){this._$AH!==l&&J(this._$AH)?this._$AA.nextSibling.data=t:this.T(R.createTextNode(t)),this._$AH=t}$(t){let{values:e,_$litType$:s}=t,r=typeof s=="number"?this._$AC(t):(s.el===void 0&&(s.el=X.createElement(he(s.h,s.h[0]),this.options)),s);if(this._$AH?._$AD===r)this._$AH.p(e);else{let n=new bt(r,this),o=n.u(this.options);n.p(e),this.T(o),this._$AH=n}}_$AC(t){let e=ae.get(t.strings);return e===void 0&&ae.set(t.strings,e=new X(t)),e}k(t){kt(this._$AH)||(this._$AH=[],this._$AR());let e=this._$AH,s,r=0;for(let n of t)r===e.length?e.push(s=new i(this.O(B()),this.O(B()),this,this.options)):s=e[r],s._$AI(n),r++;r<e.length&&(this._$AR(s&&s._$AB.nextSibling,r),e.length=r)}_$AR(t=this._$AA.nextSibling,e){for(this._$AP?.(!1,!0,e);t!==this._$AB;){let s=ee(t).nextSibling;ee(t).remove(),t=s}}setConnected(t){this._$AM===void 0&&(this._$Cv=t,this._$AP?.(t))}},z=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(t,e,s,r,n){this.type=1,this._$AH=l,this._$AN=void 0,this.element=t,this.name=e,this._$AM=r,this.options=n,s.length>2||s[0]!==""||s[1]!==""?(this._$AH=Array(s.length-1).fill(new String),this.strings=s):this._$AH=l}_$AI(t,e=this,s,r){let n=this.strings,o=!1;if(n===void 0)t=L(this,t,e,0),o=!J(t)||t!==this._$AH&&t!==U,o&&(this._$AH=t);else{let c=t,d,p;for(t=n[0],d=0;d<n.length-1;d++)p=L(this,c[s+d],e,d),p===U&&(p=this._$AH[d]),o||=!J(p)||p!==this._$AH[d],p===l?t=l:t!==l&&(t+=(p??"")+n[d+1]),this._$AH[d]=p}o&&!r&&this.j(t)}j(t){t===l?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,t??"")}},$t=class extends z{constructor(){super(...arguments),this.type=3}j(t){this.element[this.name]=t===l?void 0:t}},xt=class extends z{constructor(){super(...arguments),this.type=4}j(t){this.element.toggleAttribute(this.name,!!t&&t!==l)}},At=class extends z{constructor(t,e,s,r,n){super(t,e,s,r,n),this.type=5}_$AI(t,e=this){if((t=L(this,t,e,0)??l)===U)return;let s=this._$AH,r=t===l&&s!==l||t.capture!==s.capture||t.once!==s.once||t.passive!==s.passive,n=t!==l&&(s===l||r);r&&this.element.removeEventListener(this.name,this,s),n&&this.element.addEventListener(this.name,this,t),this._$AH=t}handleEvent(t){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,t):this._$AH.handleEvent(t)}},St=class{constructor(t,e,s){this.element=t,this.type=6,this._$AN=void 0,this._$AM=e,this.options=s}get _$AU(){return this._$AM._$AU}_$AI(t){L(this,t)}};var rs=wt.litHtmlPolyfillSupport;rs?.(X,Y),(wt.litHtmlVersions??=[]).push("3.3.3");var pe=(i,t,e)=>{let s=e?.renderBefore??t,r=s._$litPart$;if(r===void 0){let n=e?.renderBefore??null;s._$litPart$=r=new Y(t.insertBefore(B(),n),n,void 0,e??{})}return r._$AI(i),r};var Ct=globalThis,S=class extends w{constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let t=super.createRenderRoot();return this.renderOptions.renderBefore??=t.firstChild,t}update(t){let e=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(t),this._$Do=pe(e,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return U}};S._$litElement$=!0,S.finalized=!0,Ct.litElementHydrateSupport?.({LitElement:S});var ns=Ct.litElementPolyfillSupport;ns?.({LitElement:S});(Ct.litElementVersions??=[]).push("4.2.2");var os={attribute:!0,type:String,converter:K,reflect:!1,hasChanged:rt},as=(i=os,t,e)=>{let{kind:s,metadata:r}=e,n=globalThis.litPropertyMetadata.get(r);if(n===void 0&&globalThis.litPropertyMetadata.set(r,n=new Map),s==="setter"&&((i=Object.create(i)).wrapped=!0),n.set(e.name,i),s==="accessor"){let{name:o}=e;return{set(c){let d=t.get.call(this);t.set.call(this,c),this.requestUpdate(o,d,i,!0,c)},init(c){return c!==void 0&&this.C(o,void 0,i,c),c}}}if(s==="setter"){let{name:o}=e;return function(c){let d=this[o];t.call(this,c),this.requestUpdate(o,d,i,!0,c)}}throw Error("Unsupported decorator location: "+s)};function D(i){return(t,e)=>typeof e=="object"?as(i,t,e):((s,r,n)=>{let o=r.hasOwnProperty(n);return r.constructor.createProperty(n,s),o?Object.getOwnPropertyDescriptor(r,n):void 0})(i,t,e)}function A(i){return D({...i,state:!0,attribute:!1})}var ue="bithuman",Z=i=>i.name_by_user||i.name||i.id,fe=(i,t)=>Object.values(i.entities).filter(e=>e?.device_id===t&&e.platform===ue);function at(i){let t=new Set;for(let e of Object.values(i.entities))e?.platform===ue&&e.device_id&&t.add(e.device_id);return[...t].map(e=>i.devices[e]).filter(e=>e!==void 0&&e.entry_type!=="service").sort((e,s)=>Z(e).localeCompare(Z(s)))}var cs="gesture_";function ds(i,t){let e=i.attributes.friendly_name,s=i.attributes.gesture,r=typeof e=="string"&&e?e:typeof s=="string"?s:i.entity_id;return r.startsWith(`${t} `)?r.slice(t.length+1):r}function me(i,t){let e=i.devices[t];if(!e||e.entry_type==="service")return;let s=Z(e),r={id:t,name:s,gestures:[]};for(let n of fe(i,t)){let o=i.states[n.entity_id];if(o)switch(n.translation_key){case"status":r.status=o;break;case"live":r.live=o;break;case"portrait":r.portrait=o;break;case"dynamics_ready":r.dynamicsReady=o;break;case"end_session":r.endSession=o;break;default:(n.translation_key==="gesture"||n.translation_key?.startsWith(cs))&&r.gestures.push({entityId:n.entity_id,label:ds(o,s),available:o.state!=="unavailable"})}}return r.gestures.sort((n,o)=>n.label.localeCompare(o.label)),r}function ge(i){let t=i.dynamicsReady?.state,e=[];return t==="off"&&e.push("dynamics"),(t==="on"||t==="off")&&i.gestures.length>0&&i.gestures.every(r=>!r.available)&&e.push("livekit"),e}function ye(i,t,e){return i.localize!==t.localize||i.entities!==t.entities||i.devices!==t.devices||i.language!==t.language?!0:fe(t,e).some(s=>i.states[s.entity_id]!==t.states[s.entity_id])}var I={show_gestures:!0,show_speak:!0,session_minutes:10},ct=i=>{throw new Error(`bitHuman avatar card: ${i}`)};function ve(i){if(typeof i!="object"||i===null||Array.isArray(i))return ct("the configuration must be a mapping of options.");let t=i;(typeof t.device_id!="string"||t.device_id.trim()==="")&&ct("`device_id` is required: choose a bitHuman agent in the card editor.");for(let s of["show_gestures","show_speak"])s in t&&typeof t[s]!="boolean"&&ct(`\`${s}\` must be true or false.`);let e=t.session_minutes??I.session_minutes;return(typeof e!="number"||!Number.isInteger(e)||e<1||e>60)&&ct("`session_minutes` must be a whole number from 1 to 60."),{...I,...t,type:typeof t.type=="string"?t.type:"",device_id:t.device_id.trim(),session_minutes:e}}var _e={start:"Start",stop:"Stop",starting:"Starting\u2026",status:"Status",live:"Live",gestures:"Gestures",say:"Say",say_placeholder:"Type what the avatar should say",speak_delivered:"Delivered to {rooms} live room(s).",speak_sent:"Sent to the avatar.",speak_failed:"The avatar could not say the message.",gesture_failed:"The gesture could not be played.",end_session:"End session",end_session_failed:"The session could not be ended.",session_time_left:"Stops by itself in {time}",start_hint_not_ready:"Start is available once the agent is ready.",gestures_hint_dynamics:"Gestures work once this agent's dynamics are ready. To create them, press Generate dynamics on the agent's device page.",gestures_hint_livekit:"Gestures need a LiveKit connection. Add it in Settings \u2192 Devices & services \u2192 bitHuman \u2192 Configure.",stopped_hidden:"The avatar stopped because the page was hidden.",stopped_timeout:"The avatar stopped after {minutes} minute(s). Start it again to continue.",stopped_expired:"The avatar stopped because its session link expired. Start it again to continue.",error_not_ready:"The agent is not ready yet. Start the avatar once its status is Ready.",error_unauthorized:"You have no permission to start the avatar. Ask an administrator for control of this agent.",error_insufficient_credits:"Your bitHuman account is out of credits. Add credits in bitHuman, then start the avatar again.",error_not_found:"This device is not a bitHuman agent. Choose another agent in the card settings.",error_cannot_connect:"bitHuman cannot be reached right now. Try again in a few minutes.",error_start_failed:"The avatar could not be started.",agent_missing:"This agent is not in Home Assistant any more. Choose another agent in the card settings.",editor_agent:"Agent",editor_choose_agent:"Choose an agent",editor_no_agents:"No bitHuman agents found. Add an agent to the bitHuman integration first.",editor_show_gestures:"Show gesture buttons",editor_show_speak:"Show the Say box",editor_session_minutes:"Stop the avatar after (minutes)",editor_session_minutes_help:"A live avatar uses bitHuman credits every minute. From 1 to 60 minutes."};var hs="component.bithuman.selector.card.options.",Ht,be,$e;function dt(i){return i.loadBackendTranslation?((!Ht||be!==i.language)&&(be=i.language,Ht=i.loadBackendTranslation("selector","bithuman").then(t=>{$e=t},()=>{})),Ht):Promise.resolve()}var ps=(i,t)=>i.replace(/\{(\w+)\}/g,(e,s)=>t&&s in t?String(t[s]):e);function N(i,t,e){let s=hs+t;for(let r of[i?.localize,$e]){let n=r?.(s,e);if(n&&n!==s)return n}return ps(_e[t],e)}var us={unauthorized:"error_unauthorized",not_ready:"error_not_ready",insufficient_credits:"error_insufficient_credits",not_found:"error_not_found"};function lt(i){let t=i?.message;return typeof t=="string"?t.trim():""}function xe(i,t){let e=t?.code,s=typeof e=="string"?us[e]:void 0;if(s)return N(i,s);let r=lt(t);return r||N(i,e==="cannot_connect"?"error_cannot_connect":"error_start_failed")}var Ae=i=>{try{return["https:","http:"].includes(new URL(String(i)).protocol)}catch{return!1}};function Se(i){let e=(i?.response??i)?.agents,s=Object.values(e??{}).map(r=>r?.delivered_to_rooms).filter(r=>typeof r=="number");return s.length?s.reduce((r,n)=>r+n,0):null}var ht=V`
  button {
    font: inherit;
    font-weight: 500;
    min-height: 36px;
    padding: 0 var(--ha-space-4, 16px);
    border-radius: 18px;
    border: 1px solid transparent;
    cursor: pointer;
    transition: background-color 0.15s;
  }
  /* Clearly off yet legible: a grey fill and a secondary-text label (at
     least 4.5:1 on the card in the default themes), never faded. */
  button:disabled {
    cursor: not-allowed;
    background: color-mix(in srgb, var(--disabled-color, #bdbdbd) 32%, transparent);
    border-color: transparent;
    color: var(--secondary-text-color, #727272);
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  iframe:focus-visible {
    outline: 2px solid var(--primary-color, #03a9f4);
    outline-offset: 2px;
  }
  .primary {
    background: var(--primary-color, #03a9f4);
    color: var(--text-primary-color, #fff);
  }
  .primary:not(:disabled):hover {
    background: color-mix(in srgb, var(--primary-color, #03a9f4) 88%, #000);
  }
  .tonal {
    background: color-mix(in srgb, var(--primary-color, #03a9f4) 14%, transparent);
    color: var(--primary-color, #03a9f4);
  }
  .tonal:not(:disabled):hover {
    background: color-mix(in srgb, var(--primary-color, #03a9f4) 24%, transparent);
  }
  .outlined {
    background: transparent;
    border-color: var(--divider-color, rgba(0, 0, 0, 0.12));
    color: var(--primary-text-color, #212121);
  }
  input[type="text"],
  input[type="number"],
  select {
    font: inherit;
    box-sizing: border-box;
    min-height: 40px;
    min-width: 0;
    padding: 0 var(--ha-space-3, 12px);
    border-radius: 8px;
    border: 1px solid var(--divider-color, rgba(0, 0, 0, 0.12));
    background: var(--card-background-color, #fff);
    color: var(--primary-text-color, #212121);
  }
  input::placeholder {
    color: var(--secondary-text-color, #727272);
  }
  input:invalid {
    border-color: var(--error-color, #db4437);
  }
  .message {
    margin: 0;
    padding: var(--ha-space-2, 8px) var(--ha-space-3, 12px);
    border-radius: 8px;
    line-height: 1.4;
  }
  .message.error {
    color: var(--error-color, #db4437);
    background: color-mix(in srgb, var(--error-color, #db4437) 12%, transparent);
  }
  .message.info {
    color: var(--primary-text-color, #212121);
    background: var(--secondary-background-color, rgba(127, 127, 127, 0.1));
  }
  .hint {
    margin: 0;
    color: var(--secondary-text-color, #727272);
    font-size: 0.875rem;
  }
`,we=V`
  :host {
    display: block;
  }
  .card {
    box-sizing: border-box;
    height: 100%;
    display: flex;
    flex-direction: column;
    gap: var(--ha-space-3, 12px);
    padding: var(--ha-space-4, 16px);
    background: var(--ha-card-background, var(--card-background-color, #fff));
    color: var(--primary-text-color, #212121);
    border-radius: var(--ha-card-border-radius, 12px);
    border: var(--ha-card-border-width, 1px) solid
      var(--ha-card-border-color, var(--divider-color, #e0e0e0));
    box-shadow: var(--ha-card-box-shadow, none);
    font-family: var(--ha-font-family-body, inherit);
  }
  .header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--ha-space-2, 8px);
  }
  h2 {
    margin: 0;
    font-size: var(--ha-card-header-font-size, 1.25rem);
    font-weight: 500;
    line-height: 1.3;
    overflow-wrap: anywhere;
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ha-space-2, 8px);
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 2px 10px;
    border-radius: 12px;
    font-size: 0.8125rem;
    line-height: 20px;
    color: var(--secondary-text-color, #727272);
    background: var(--secondary-background-color, rgba(127, 127, 127, 0.1));
  }
  .chip b {
    font-weight: 500;
    color: var(--primary-text-color, #212121);
  }
  .chip.on {
    color: var(--text-primary-color, #fff);
    background: var(--error-color, #db4437);
  }
  .chip.on b {
    color: inherit;
  }
  .dot {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--warning-color, #ffa600);
  }
  .dot.ready {
    background: var(--success-color, #43a047);
  }
  .dot.failed {
    background: var(--error-color, #db4437);
  }
  .media {
    width: 100%;
    aspect-ratio: 4 / 3;
    max-height: 70vh;
    border-radius: 8px;
    overflow: hidden;
    background: var(--secondary-background-color, rgba(127, 127, 127, 0.1));
  }
  .media img,
  .media iframe {
    display: block;
    width: 100%;
    height: 100%;
    border: 0;
    object-fit: contain;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--ha-space-2, 8px);
  }
  .countdown {
    color: var(--secondary-text-color, #727272);
    font-size: 0.875rem;
    font-variant-numeric: tabular-nums;
  }
  .section-label {
    margin: 0;
    font-size: 0.875rem;
    font-weight: 500;
    color: var(--secondary-text-color, #727272);
  }
  form {
    display: flex;
    gap: var(--ha-space-2, 8px);
  }
  form input {
    flex: 1;
  }
`,ke=V`
  .editor {
    display: flex;
    flex-direction: column;
    gap: var(--ha-space-4, 16px);
    color: var(--primary-text-color, #212121);
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: var(--ha-space-1, 4px);
  }
  .field > span:first-child {
    font-weight: 500;
  }
  .check {
    display: flex;
    align-items: center;
    gap: var(--ha-space-2, 8px);
    cursor: pointer;
  }
  .check input {
    width: 18px;
    height: 18px;
    margin: 0;
    accent-color: var(--primary-color, #03a9f4);
  }
`;var Q="bithuman-avatar-card",pt="bithuman-avatar-card-editor",fs={dynamics:"gestures_hint_dynamics",livekit:"gestures_hint_livekit"},ms=i=>{let t=Math.max(0,Math.ceil(i/1e3));return`${Math.floor(t/60)}:${String(t%60).padStart(2,"0")}`},Ee,Ce,He,Te,Pe,Re,Ue,Ne,Me,Oe,h,Tt,Pt,Rt,Ut,Nt,Mt,Ot,Lt,zt,y=class extends(Oe=S,Me=[D({attribute:!1})],Ne=[A()],Ue=[A()],Re=[A()],Pe=[A()],Te=[A()],He=[A()],Ce=[A()],Ee=[A()],Oe){constructor(){super(...arguments);$(this,Tt,u(h,8,this)),u(h,11,this);$(this,Pt,u(h,12,this)),u(h,15,this);$(this,Rt,u(h,16,this)),u(h,19,this);$(this,Ut,u(h,20,this,!1)),u(h,23,this);$(this,Nt,u(h,24,this)),u(h,27,this);$(this,Mt,u(h,28,this)),u(h,31,this);$(this,Ot,u(h,32,this,"")),u(h,35,this);$(this,Lt,u(h,36,this,!1)),u(h,39,this);$(this,zt,u(h,40,this,Date.now())),u(h,43,this);H(this,"stopTimer");H(this,"tickTimer");H(this,"onVisibilityChange",()=>{document.visibilityState==="hidden"&&this.session&&this.stop("stopped_hidden")})}static getConfigElement(){return document.createElement(pt)}static getStubConfig(e){return{device_id:at(e)[0]?.id??""}}setConfig(e){let s=ve(e);this.config&&this.config.device_id!==s.device_id&&(this.stop(),this.notice=this.feedback=void 0),this.config=s}getCardSize(){return this.session?10:7}getGridOptions(){return{columns:12,min_columns:6}}connectedCallback(){super.connectedCallback(),document.addEventListener("visibilitychange",this.onVisibilityChange)}disconnectedCallback(){super.disconnectedCallback(),document.removeEventListener("visibilitychange",this.onVisibilityChange),this.stop()}shouldUpdate(e){let s=e.get("hass");return e.size!==1||!s||!this.hass||!this.config?!0:ye(s,this.hass,this.config.device_id)}willUpdate(e){e.has("hass")&&this.hass&&e.get("hass")?.language!==this.hass.language&&dt(this.hass).then(()=>this.requestUpdate())}t(e,s){return N(this.hass,e,s)}async start(){let e=this.hass,s=this.config?.device_id;if(!(!e||!s||this.session||this.starting)){this.starting=!0,this.notice=void 0;try{let r=await e.callWS({type:"bithuman/embed_token",device_id:s});if(!this.isConnected||document.visibilityState==="hidden"||this.config?.device_id!==s)return;if(!Ae(r?.url))throw new Error;this.begin(r.url,r.expires_in)}catch(r){this.notice={kind:"error",text:xe(e,r)}}finally{this.starting=!1}}}begin(e,s){let r=Date.now(),n=r+(this.config?.session_minutes??10)*6e4,o=typeof s=="number"?r+s*1e3:NaN,c=Number.isFinite(o)&&o<n,d=c?o:n;if(d<=r){this.notice={kind:"info",text:this.t("stopped_expired")};return}this.session={url:e,endsAt:d},this.now=r,this.stopTimer=window.setTimeout(()=>{this.stop(c?"stopped_expired":"stopped_timeout")},d-r),this.tickTimer=window.setInterval(()=>{this.now=Date.now()},1e3)}stop(e){window.clearTimeout(this.stopTimer),window.clearInterval(this.tickTimer),this.stopTimer=this.tickTimer=void 0,this.session&&(this.session=void 0,this.notice=e?{kind:"info",text:this.t(e,{minutes:this.config?.session_minutes??10})}:void 0)}async press(e,s){if(this.hass){this.feedback=void 0;try{await this.hass.callService("button","press",{},{entity_id:e})}catch(r){this.feedback={kind:"error",text:lt(r)||this.t(s)}}}}async speak(e){e.preventDefault();let s=this.speakText.trim();if(!(!this.hass||!this.config||!s||this.speaking)){this.speaking=!0,this.feedback=void 0;try{let r=await this.hass.callService("bithuman","speak",{message:s},{device_id:this.config.device_id},!1,!0),n=Se(r);this.feedback={kind:"info",text:n===null?this.t("speak_sent"):this.t("speak_delivered",{rooms:n})},this.speakText=""}catch(r){this.feedback={kind:"error",text:lt(r)||this.t("speak_failed")}}finally{this.speaking=!1}}}formatState(e){return this.hass?.formatEntityState?.(e)??e.state}renderNotice(e){return e?f`<p
      class="message ${e.kind}"
      role=${e.kind==="error"?"alert":"status"}
    >
      ${e.text}
    </p>`:l}renderHeader(e){let{status:s,live:r}=e,n=r?.state==="on";return f`<div class="header">
      <h2>${e.name}</h2>
      <div class="chips">
        ${s?f`<span class="chip">
                <span class="dot ${s.state}"></span>
                ${this.t("status")} <b>${this.formatState(s)}</b>
              </span>`:l}
        ${r?f`<span class="chip ${n?"on":""}">
                ${this.t("live")} <b>${this.formatState(r)}</b>
              </span>`:l}
      </div>
    </div>`}renderMedia(e){if(this.session)return f`<div class="media">
        <iframe
          src=${this.session.url}
          title=${e.name}
          allow="microphone *; camera *; autoplay *"
          referrerpolicy="no-referrer"
        ></iframe>
      </div>`;let s=e.portrait?.attributes.entity_picture;return typeof s!="string"||!s?l:f`<div class="media">
      <img src=${s} alt=${e.name} />
    </div>`}renderSessionControls(e){if(this.session)return f`<div class="row">
        <button type="button" class="primary" @click=${()=>this.stop()}>${this.t("stop")}</button>
        <span class="countdown">
          ${this.t("session_time_left",{time:ms(this.session.endsAt-this.now)})}
        </span>
      </div>`;let s=e.status?e.status.state==="ready":!0,r=e.live?.state==="on"?e.endSession:void 0;return f`<div class="row">
        <button
          type="button"
          class="primary"
          ?disabled=${!s||this.starting}
          @click=${()=>{this.start()}}
        >
          ${this.starting?this.t("starting"):this.t("start")}
        </button>
        ${r&&r.state!=="unavailable"?f`<button
                type="button"
                class="outlined"
                @click=${()=>{this.press(r.entity_id,"end_session_failed")}}
              >
                ${this.t("end_session")}
              </button>`:l}
      </div>
      ${s?l:f`<p class="hint">${this.t("start_hint_not_ready")}</p>`}`}renderGestures(e){if(!this.config?.show_gestures||e.gestures.length===0)return l;let s=e.dynamicsReady?.state==="off",r=ge(e),n=r.map(o=>`gesture-hint-${o}`).join(" ");return f`<p class="section-label">${this.t("gestures")}</p>
      <div class="row">
        ${e.gestures.map(o=>f`<button
              type="button"
              class="tonal"
              ?disabled=${!o.available||s}
              aria-describedby=${n||l}
              @click=${()=>{this.press(o.entityId,"gesture_failed")}}
            >
              ${o.label}
            </button>`)}
      </div>
      ${r.map(o=>f`<p class="hint" id="gesture-hint-${o}">${this.t(fs[o])}</p>`)}`}renderSpeak(){if(!this.config?.show_speak)return l;let e=this.t("say_placeholder");return f`<form @submit=${s=>{this.speak(s)}}>
      <input
        type="text"
        .value=${this.speakText}
        placeholder=${e}
        aria-label=${e}
        @input=${s=>{this.speakText=s.target.value}}
      />
      <button class="tonal" type="submit" ?disabled=${this.speaking||!this.speakText.trim()}>
        ${this.t("say")}
      </button>
    </form>`}render(){if(!this.config||!this.hass)return l;let e=me(this.hass,this.config.device_id);return e?f`<div class="card">
      ${this.renderHeader(e)} ${this.renderMedia(e)} ${this.renderNotice(this.notice)}
      ${this.renderSessionControls(e)} ${this.renderGestures(e)} ${this.renderSpeak()}
      ${this.renderNotice(this.feedback)}
    </div>`:f`<div class="card">
        ${this.renderNotice({kind:"error",text:this.t("agent_missing")})}
      </div>`}};h=tt(Oe),Tt=new WeakMap,Pt=new WeakMap,Rt=new WeakMap,Ut=new WeakMap,Nt=new WeakMap,Mt=new WeakMap,Ot=new WeakMap,Lt=new WeakMap,zt=new WeakMap,b(h,4,"hass",Me,y,Tt),b(h,4,"config",Ne,y,Pt),b(h,4,"session",Ue,y,Rt),b(h,4,"starting",Re,y,Ut),b(h,4,"notice",Pe,y,Nt),b(h,4,"feedback",Te,y,Mt),b(h,4,"speakText",He,y,Ot),b(h,4,"speaking",Ce,y,Lt),b(h,4,"now",Ee,y,zt),q(h,y),H(y,"styles",[ht,we]);var Le,ze,De,M,Dt,It,C=class extends(De=S,ze=[D({attribute:!1})],Le=[A()],De){constructor(){super(...arguments);$(this,Dt,u(M,8,this)),u(M,11,this);$(this,It,u(M,12,this)),u(M,15,this)}setConfig(e){this.config={...e}}willUpdate(e){e.has("hass")&&this.hass&&e.get("hass")?.language!==this.hass.language&&dt(this.hass).then(()=>this.requestUpdate())}t(e){return N(this.hass,e)}change(e){this.config&&(this.config={...this.config,...e},this.dispatchEvent(new CustomEvent("config-changed",{detail:{config:this.config},bubbles:!0,composed:!0})))}onMinutes(e){let s=e.target,r=Number(s.value);s.checkValidity()&&Number.isInteger(r)&&this.change({session_minutes:r})}render(){if(!this.hass||!this.config)return l;let e=at(this.hass),s=this.config.device_id??"",r=s&&!e.some(n=>n.id===s);return f`<div class="editor">
      <label class="field">
        <span>${this.t("editor_agent")}</span>
        <select
          @change=${n=>this.change({device_id:n.target.value})}
        >
          <option value="" disabled ?selected=${!s}>${this.t("editor_choose_agent")}</option>
          ${r?f`<option value=${s} selected>${s}</option>`:l}
          ${e.map(n=>f`<option value=${n.id} ?selected=${n.id===s}>
                ${Z(n)}
              </option>`)}
        </select>
      </label>
      ${e.length===0?f`<p class="hint">${this.t("editor_no_agents")}</p>`:l}
      <label class="check">
        <input
          type="checkbox"
          .checked=${this.config.show_gestures??I.show_gestures}
          @change=${n=>this.change({show_gestures:n.target.checked})}
        />
        ${this.t("editor_show_gestures")}
      </label>
      <label class="check">
        <input
          type="checkbox"
          .checked=${this.config.show_speak??I.show_speak}
          @change=${n=>this.change({show_speak:n.target.checked})}
        />
        ${this.t("editor_show_speak")}
      </label>
      <label class="field">
        <span>${this.t("editor_session_minutes")}</span>
        <input
          type="number"
          min="1"
          max="60"
          step="1"
          required
          .value=${String(this.config.session_minutes??I.session_minutes)}
          @change=${n=>this.onMinutes(n)}
        />
        <span class="hint">${this.t("editor_session_minutes_help")}</span>
      </label>
    </div>`}};M=tt(De),Dt=new WeakMap,It=new WeakMap,b(M,4,"hass",ze,C,Dt),b(M,4,"config",Le,C,It),q(M,C),H(C,"styles",[ht,ke]);function Ie(){customElements.get(Q)||customElements.define(Q,class extends y{}),customElements.get(pt)||customElements.define(pt,class extends C{})}Ie();customElements.whenDefined("home-assistant").then(Ie);var jt=window;jt.customCards??=[];jt.customCards.some(i=>i.type===Q)||jt.customCards.push({type:Q,name:"bitHuman avatar",description:"Start a bitHuman talking avatar on demand, play its gestures and make it speak.",preview:!0});
/*! Bundled license information:

@lit/reactive-element/css-tag.js:
  (**
   * @license
   * Copyright 2019 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

@lit/reactive-element/reactive-element.js:
lit-html/lit-html.js:
lit-element/lit-element.js:
@lit/reactive-element/decorators/custom-element.js:
@lit/reactive-element/decorators/property.js:
@lit/reactive-element/decorators/state.js:
@lit/reactive-element/decorators/event-options.js:
@lit/reactive-element/decorators/base.js:
@lit/reactive-element/decorators/query.js:
@lit/reactive-element/decorators/query-all.js:
@lit/reactive-element/decorators/query-async.js:
@lit/reactive-element/decorators/query-assigned-nodes.js:
  (**
   * @license
   * Copyright 2017 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

lit-html/is-server.js:
  (**
   * @license
   * Copyright 2022 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

@lit/reactive-element/decorators/query-assigned-elements.js:
  (**
   * @license
   * Copyright 2021 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)
*/
